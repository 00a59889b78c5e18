// The signature core of the universal entry, written against a tiny (Web Crypto) backend interface.
// The `/node` entry runs the same algorithm synchronously in node-crypto.ts, sharing the helpers
// exported here. Every validate-only bundle contains this module: plain functions (so `compute`
// tree-shakes away), no long strings.
import { portVariants, withLegacyQuerystring } from "./url-candidates.js";
import { serializeParams, type TwilioParams } from "./params.js";

/** Why a request failed verification. */
export type VerifyFailureReason =
  /** No `X-Twilio-Signature` header, or an empty one. */
  | "missing_signature"
  /** The header is not 28 characters of padded base64, so it cannot be an HMAC-SHA1. */
  | "malformed_signature"
  /** No auth token was configured (empty string or empty list). */
  | "missing_auth_token"
  /** The signature does not match the URL and parameters under any token or URL variant. */
  | "mismatch"
  /** The URL could not be parsed and its raw form did not match either. */
  | "invalid_url"
  /** A raw (non-form) body was given but the URL has no `bodySHA256` query parameter. */
  | "missing_body_hash"
  /** The URL is signed but `bodySHA256` is not the SHA-256 of the raw body: the body was altered. */
  | "body_hash_mismatch"
  /**
   * The runtime's crypto failed (no Web Crypto, a key it could not import): a misconfigured server,
   * not a forged request. Still a rejection; adapters answer 500 so it shows up in Twilio's alerts.
   */
  | "crypto_error";

/** The verdict: never thrown, always returned. On failure `checkedUrl` says which URL was tried (it holds no secret). */
export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailureReason; checkedUrl?: string };

/** What `verifyTwilioSignature` needs. */
export interface VerifyTwilioSignatureOptions {
  /** The account's auth token, or a list (primary and secondary) while rotating tokens. */
  authToken: string | readonly string[];
  /** The `X-Twilio-Signature` header value. */
  signature: string | null | undefined;
  /** The full public URL Twilio requested, query included, exactly as Twilio called it. */
  url: string;
  /** Decoded form parameters of a form-encoded POST (omit for GET and for JSON bodies). */
  params?: TwilioParams;
  /** The raw body of a non-form (e.g. JSON) webhook: switches to `bodySHA256` checking. Pass bytes, not re-serialised JSON. */
  rawBody?: string | Uint8Array | ArrayBuffer;
}

/** The primitives a backend provides. */
export interface CryptoBackend {
  /**
   * A function giving the base64 HMAC-SHA1 of `url + suffix` (UTF-8) under `key`. One signer per token
   * and check, so a backend can encode the key and the (long) params suffix once for every URL variant.
   */
  signer(key: string, suffix: string): (url: string) => Promise<string>;
  /** Lower-case hex SHA-256 of the body (strings as UTF-8). */
  sha256Hex(body: string | Uint8Array): Promise<string>;
}

/** An HMAC-SHA1 is 20 bytes: always 27 base64 characters and one `=`. */
export const signatureShape = /^[A-Za-z0-9+/]{27}=$/;

/** Compare two strings without an early exit on the first difference. */
export function timingSafeEqual(a: string, b: string): boolean {
  // Past the end of `b`, charCodeAt is NaN, which `^` reads as 0; the length difference already counts.
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** `new URL(url)`, or undefined where it throws. */
export function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** The signature Twilio would send, on a backend. */
export function computeWith(backend: CryptoBackend, authToken: string, url: string, params?: TwilioParams): Promise<string> {
  return backend.signer(authToken, serializeParams(params))(url);
}

// One shape for every early rejection; also keeps the validate-only bundle small.
const rejected = (reason: VerifyFailureReason): VerifyResult => ({ ok: false, reason });

/** Verify on a backend; never rejects: input that throws is a `mismatch`, a failing backend a `crypto_error`. */
export function verifyWith(backend: CryptoBackend, options: VerifyTwilioSignatureOptions): Promise<VerifyResult> {
  // Input is read before anything reaches this catch, so only the backend's failures land here.
  return verify(backend, options).catch(() => rejected("crypto_error"));
}

// Keep in step with `verify` in node-crypto.ts: the differential tests hold both to twilio-node.
async function verify(backend: CryptoBackend, options: VerifyTwilioSignatureOptions): Promise<VerifyResult> {
  const { signature, rawBody } = options;
  const tokens = [options.authToken].flat().filter((token) => token && typeof token === "string");
  if (!tokens.length) return rejected("missing_auth_token");
  if (!signature || typeof signature !== "string") return rejected("missing_signature");
  // Cheap rejection before any HMAC: only 28-character padded base64 can be an HMAC-SHA1.
  if (!signatureShape.test(signature)) return rejected("malformed_signature");
  const isBodyMode = rawBody != null;
  let url: string;
  let suffix: string;
  try {
    url = String(options.url);
    suffix = isBodyMode ? "" : serializeParams(options.params);
  } catch {
    // A URL or params that throw when read (a hostile getter) cannot match: a bad request, not a crash.
    return rejected("mismatch");
  }
  const fail = (reason: VerifyFailureReason): VerifyResult => ({ ok: false, reason, checkedUrl: url });
  // twilio-node parses the URL before anything else in body mode; an unparsable URL never passes.
  // In form mode parsing waits until the URL as received has failed: most checks never need it.
  let parsed = isBodyMode ? parseUrl(url) : undefined;
  if (isBodyMode && !parsed) return fail("invalid_url");

  // The params suffix is serialised once and shared by every token and URL variant.
  const signers = tokens.map((token) => backend.signer(token, suffix));
  const tried: string[] = [];
  async function matchesAny(candidates: string[]): Promise<boolean> {
    for (const candidate of candidates) {
      if (tried.includes(candidate)) continue;
      tried.push(candidate);
      for (const sign of signers) if (timingSafeEqual(await sign(candidate), signature!)) return true;
    }
    return false;
  }

  // twilio-node's order: the URL as received without and with a port, then the `new URL()` form and
  // its legacy-querystring form, each without and with a port. Stop at the first match.
  if (!(await matchesAny(portVariants(url)))) {
    parsed ??= parseUrl(url);
    if (!parsed) return fail("invalid_url");
    // The query and the port are disjoint parts of the URL: re-encoding the query once and taking its
    // port variants gives the same two legacy candidates as re-encoding each port variant.
    if (!(await matchesAny([...portVariants(parsed.href), ...portVariants(withLegacyQuerystring(parsed.href))]))) return fail("mismatch");
  }
  if (!isBodyMode) return { ok: true };

  const expected = parsed!.searchParams.get("bodySHA256");
  if (!expected) return fail("missing_body_hash");
  const actual = await backend.sha256Hex(rawBody instanceof ArrayBuffer ? new Uint8Array(rawBody) : rawBody);
  return timingSafeEqual(actual, expected) ? { ok: true } : fail("body_hash_mismatch");
}
