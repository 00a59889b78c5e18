// Web Crypto backend: works on Node >= 20, Bun, Deno, Cloudflare Workers and Vercel Edge.
// Part of every validate-only bundle, so it stays minimal.
import type { CryptoBackend } from "./signature.js";

const encoder = new TextEncoder();
// Importing a key costs more than signing a short message, so keep a few (primary + secondary token).
const keyCache = new Map<string, Promise<CryptoKey>>();

function importKey(token: string): Promise<CryptoKey> {
  let key = keyCache.get(token);
  if (!key) {
    if (keyCache.size >= 8) keyCache.clear();
    // HMAC pads keys with zeros to the 64-byte block, so 64 zero bytes is the empty key; Web Crypto
    // refuses a zero-length key, node:crypto (and thus twilio-node) accepts it.
    key = crypto.subtle.importKey("raw", token ? encoder.encode(token) : new Uint8Array(64), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
    keyCache.set(token, key);
    // A failed import is not cached: the next request retries (the runtime may have been fixed).
    key.catch(() => keyCache.delete(token));
  }
  return key;
}

/** The Web Crypto implementation of the signature primitives. */
export const webCryptoBackend: CryptoBackend = {
  signer: (key, suffix) => async (url) =>
    btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", await importKey(key), encoder.encode(url + suffix))))),
  async sha256Hex(body) {
    const digest = await crypto.subtle.digest("SHA-256", typeof body === "string" ? encoder.encode(body) : (body as Uint8Array<ArrayBuffer>));
    return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
  },
};
