// Compact JWS with HMAC (RFC 7515/7518) on Web Crypto. The caller builds header and claims as
// objects in the exact key order twilio-node (jsonwebtoken) writes them; JSON.stringify keeps it.
import { encodeBytes, encodeText, encoder } from "./base64url.js";

/** The HMAC algorithms Twilio accepts for Access Tokens. */
export type JwtAlgorithm = "HS256" | "HS384" | "HS512";

/** The algorithms, in twilio-node's order. */
export const ALGORITHMS: readonly JwtAlgorithm[] = ["HS256", "HS384", "HS512"];

/** An HMAC key for the algorithm; `usage` is "sign" or "verify". */
export function hmacKey(secret: string, algorithm: JwtAlgorithm, usage: "sign" | "verify"): Promise<CryptoKey> {
  // node:crypto (jsonwebtoken) takes the secret's UTF-8 bytes, as TextEncoder gives them.
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: `SHA-${algorithm.slice(2)}` }, false, [usage]);
}

/** Signs `header.claims` and returns the compact JWT. */
export async function signJwt(header: object, claims: object, secret: string, algorithm: JwtAlgorithm): Promise<string> {
  const input = `${encodeText(JSON.stringify(header))}.${encodeText(JSON.stringify(claims))}`;
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret, algorithm, "sign"), encoder.encode(input));
  return `${input}.${encodeBytes(new Uint8Array(signature))}`;
}

/** Seconds since the epoch, as jsonwebtoken computes `iat`. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
