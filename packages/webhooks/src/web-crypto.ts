// Web Crypto backend: works on Node >= 20, Bun, Deno, Cloudflare Workers and Vercel Edge.
import type { CryptoBackend } from "./signature.js";

const encoder = new TextEncoder();
// Importing a key costs more than signing a short message, so keep a few (primary + secondary token).
const keyCache = new Map<string, Promise<CryptoKey>>();
const keyCacheLimit = 8;
// HMAC pads keys with zeros to the 64-byte block, so 64 zero bytes is the empty key; Web Crypto
// refuses a zero-length key, node:crypto (and thus twilio-node) accepts it.
const emptyKey = new Uint8Array(64);

function importKey(token: string): Promise<CryptoKey> {
  let key = keyCache.get(token);
  if (!key) {
    if (keyCache.size >= keyCacheLimit) keyCache.delete(keyCache.keys().next().value as string);
    const raw = token === "" ? emptyKey : encoder.encode(token);
    key = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
    keyCache.set(token, key);
  }
  return key;
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += (byte < 16 ? "0" : "") + byte.toString(16);
  return hex;
}

/** The Web Crypto implementation of the signature primitives. */
export const webCryptoBackend: CryptoBackend = {
  async hmacSha1Base64(key, data) {
    const mac = await crypto.subtle.sign("HMAC", await importKey(key), encoder.encode(data));
    return toBase64(new Uint8Array(mac));
  },
  async sha256Hex(body) {
    const bytes = typeof body === "string" ? encoder.encode(body) : body;
    return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)));
  },
};
