// The signature core, written once against a tiny crypto interface so the universal entry can use
// Web Crypto and the `/node` entry node:crypto, with identical verdicts.
import { candidateUrls } from "./url-candidates.js";
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
  | "body_hash_mismatch";

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
  /** Base64 HMAC-SHA1 of the UTF-8 `data` under the UTF-8 `key`. */
  hmacSha1Base64(key: string, data: string): Promise<string> | string;
  /** Lower-case hex SHA-256 of the body (strings as UTF-8). */
  sha256Hex(body: string | Uint8Array): Promise<string> | string;
}

// An HMAC-SHA1 is 20 bytes: always 27 base64 characters and one `=`.
const signatureShape = /^[A-Za-z0-9+/]{27}=$/;

/** Compare two strings without an early exit on the first difference. */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function toBodyInput(rawBody: string | Uint8Array | ArrayBuffer): string | Uint8Array {
  return rawBody instanceof ArrayBuffer ? new Uint8Array(rawBody) : rawBody;
}

function canParse(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

function bodyHashOf(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get("bodySHA256") ?? undefined;
  } catch {
    return undefined;
  }
}

/** Build `compute` and `verify` over a crypto backend. */
export function createSignatureCore(backend: CryptoBackend) {
  async function compute(authToken: string, url: string, params?: TwilioParams): Promise<string> {
    return backend.hmacSha1Base64(authToken, url + serializeParams(params));
  }

  async function verify(options: VerifyTwilioSignatureOptions): Promise<VerifyResult> {
    const { signature, rawBody } = options;
    const tokens = (Array.isArray(options.authToken) ? options.authToken : [options.authToken]).filter(
      (token): token is string => typeof token === "string" && token !== "",
    );
    if (tokens.length === 0) return { ok: false, reason: "missing_auth_token" };
    if (typeof signature !== "string" || signature === "") return { ok: false, reason: "missing_signature" };
    if (!signatureShape.test(signature)) return { ok: false, reason: "malformed_signature" };
    const url = typeof options.url === "string" ? options.url : String(options.url);
    const isBodyMode = rawBody !== undefined && rawBody !== null;

    let suffix: string;
    try {
      suffix = isBodyMode ? "" : serializeParams(options.params);
    } catch {
      // Params that cannot even be enumerated cannot have been signed.
      return { ok: false, reason: "mismatch", checkedUrl: url };
    }
    if (isBodyMode) {
      // twilio-node parses the URL before anything else on this path; an unparsable URL never passes.
      try {
        new URL(url);
      } catch {
        return { ok: false, reason: "invalid_url", checkedUrl: url };
      }
    }

    let matched = false;
    // Tokens outer, URL variants inner: the primary token on the URL as received is the common case.
    for (const token of tokens) {
      for (const candidate of candidateUrls(url)) {
        const mac = backend.hmacSha1Base64(token, candidate + suffix);
        // Skip the await for synchronous backends (node:crypto): it is a measurable share of a check.
        if (timingSafeEqual(typeof mac === "string" ? mac : await mac, signature)) {
          matched = true;
          break;
        }
      }
      if (matched) break;
    }
    if (!matched) {
      return { ok: false, reason: canParse(url) ? "mismatch" : "invalid_url", checkedUrl: url };
    }
    if (!isBodyMode) return { ok: true };

    const expected = bodyHashOf(url);
    if (!expected) return { ok: false, reason: "missing_body_hash", checkedUrl: url };
    const actual = await backend.sha256Hex(toBodyInput(rawBody));
    return timingSafeEqual(actual, expected) ? { ok: true } : { ok: false, reason: "body_hash_mismatch", checkedUrl: url };
  }

  return { compute, verify };
}
