// Decoding and verifying HMAC-signed Twilio tokens (Access Tokens, and capability tokens with the
// auth token as the secret). The checks follow jsonwebtoken's: expired when now >= exp, not yet valid
// when nbf > now, each widened by the tolerance.
import { decodeBytes, encodeBytes, encoder } from "./base64url.js";
import { invalid } from "./errors.js";
import { ALGORITHMS, hmacKey, nowSeconds, type JwtAlgorithm } from "./jwt.js";
import { isRecord } from "./validate.js";

/** A decoded token: its header and claims, not yet trusted. */
export interface DecodedToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** Why a token was rejected. */
export type VerifyAccessTokenFailure =
  /** Not three base64url parts of JSON objects, or `exp`/`nbf`/`iat` that are not numbers, or no `exp`. */
  | "malformed"
  /** `alg` is not HS256, HS384 or HS512. */
  | "unsupported_algorithm"
  /** The signature was not made with this secret (or the token was altered). */
  | "bad_signature"
  /** Signed correctly but past its `exp`. */
  | "expired"
  /** Signed correctly but before its `nbf`. */
  | "not_yet_valid";

/** The verdict of `verifyAccessToken`. Header and claims are only returned once the signature checks. */
export type VerifyAccessTokenResult =
  | ({ ok: true } & DecodedToken)
  | { ok: false; reason: "malformed" | "unsupported_algorithm" | "bad_signature" }
  | ({ ok: false; reason: "expired" | "not_yet_valid" } & DecodedToken);

/** What `verifyAccessToken` needs. */
export interface VerifyAccessTokenOptions {
  /** The API key secret the token was signed with (the auth token for capability tokens). */
  apiSecret: string;
  /** Seconds of clock skew to allow on `exp` and `nbf` (default 0). */
  clockToleranceSec?: number;
  /** The current time in seconds since the epoch (default: `Date.now()`). */
  nowSec?: number;
}

function parsePart(part: string): Record<string, unknown> | undefined {
  const bytes = decodeBytes(part);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decodes a JWT without checking its signature (to show what a token grants).
 * @throws TypeError when it is not a JWT (three base64url parts, JSON object header and claims).
 */
export function decodeToken(jwt: string): DecodedToken {
  const parts = typeof jwt === "string" ? jwt.split(".") : [];
  const header = parts.length === 3 ? parsePart(parts[0]!) : undefined;
  const claims = header && parsePart(parts[1]!);
  if (!header || !claims) throw invalid("jwt", "is not a JWT (header.claims.signature, base64url JSON)");
  return { header, claims };
}

const timeClaims = ["exp", "nbf", "iat"] as const;

/**
 * Checks a token's HMAC signature with the secret, then its `exp` and `nbf`. Never throws for a bad
 * token: the result says why it was rejected.
 * @throws TypeError when `apiSecret` is missing (a configuration error, not a bad token).
 * @example
 * const result = await verifyAccessToken(jwt, { apiSecret });
 * if (result.ok) console.log(result.claims.grants);
 */
export async function verifyAccessToken(jwt: string, options: VerifyAccessTokenOptions): Promise<VerifyAccessTokenResult> {
  if (!isRecord(options) || typeof options.apiSecret !== "string" || !options.apiSecret) throw invalid("apiSecret", "is required (a non-empty string)");
  const tolerance = options.clockToleranceSec ?? 0;
  if (!Number.isFinite(tolerance) || tolerance < 0) throw invalid("clockToleranceSec", "must be a number >= 0");
  const now = options.nowSec ?? nowSeconds();
  let decoded: DecodedToken;
  try {
    decoded = decodeToken(jwt);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const { header, claims } = decoded;
  if (typeof claims.exp !== "number" || timeClaims.some((name) => claims[name] !== undefined && typeof claims[name] !== "number")) {
    return { ok: false, reason: "malformed" };
  }
  const algorithm = header.alg as JwtAlgorithm;
  if (!ALGORITHMS.includes(algorithm)) return { ok: false, reason: "unsupported_algorithm" };
  const [head, body, sig] = jwt.split(".") as [string, string, string];
  const signature = decodeBytes(sig);
  // Only the canonical encoding: other spellings of the same bytes would make tokens malleable.
  if (!signature || encodeBytes(signature) !== sig) return { ok: false, reason: "malformed" };
  const key = await hmacKey(options.apiSecret, algorithm, "verify");
  // crypto.subtle.verify compares in constant time
  if (!(await crypto.subtle.verify("HMAC", key, signature as Uint8Array<ArrayBuffer>, encoder.encode(`${head}.${body}`)))) {
    return { ok: false, reason: "bad_signature" };
  }
  if (now >= claims.exp + tolerance) return { ok: false, reason: "expired", header, claims };
  if (typeof claims.nbf === "number" && claims.nbf > now + tolerance) return { ok: false, reason: "not_yet_valid", header, claims };
  return { ok: true, header, claims };
}
