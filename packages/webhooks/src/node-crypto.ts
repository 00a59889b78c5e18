/// <reference types="node" />
// The node:crypto verifier behind `@twilio-kit/webhooks/node`. Same algorithm and verdicts as the
// Web Crypto core in signature.ts, but synchronous from end to end: node:crypto's HMAC is sync, and a
// promise per HMAC plus the await chain cost more than the HMAC itself (bench/results/webhooks.md).
// Kept apart from signature.ts on purpose: the universal, validate-only bundle must not pay for it.
import { createHash, createHmac, createSecretKey, type KeyObject } from "node:crypto";
import { serializeParamsWith, type TwilioParams } from "./params.js";
import { parseUrl, signatureShape, timingSafeEqual, type VerifyFailureReason, type VerifyResult, type VerifyTwilioSignatureOptions } from "./signature.js";
import { isNormalizedUrl, portVariants, withLegacyQuerystring } from "./url-candidates.js";

const keyCache = new Map<string, KeyObject | string>();

// A KeyObject skips re-encoding the token on every HMAC; the empty token stays a string because
// createSecretKey refuses zero-length keys (createHmac accepts it, as twilio-node does).
function keyFor(token: string): KeyObject | string {
  let key = keyCache.get(token);
  if (key === undefined) {
    if (keyCache.size >= 8) keyCache.delete(keyCache.keys().next().value as string);
    key = token === "" ? "" : createSecretKey(Buffer.from(token, "utf8"));
    keyCache.set(token, key);
  }
  return key;
}

// Sorting the names is a fifth of a check. Twilio sends each kind of webhook with its fields in the
// same order, so remember the last order seen and its sorted form; comparing is ~15x cheaper.
let lastNames: readonly string[] = [];
let lastSorted: readonly string[] = [];

function sortNames(names: string[]): readonly string[] {
  let same = names.length === lastNames.length;
  for (let i = 0; same && i < names.length; i++) same = names[i] === lastNames[i];
  if (!same) {
    lastNames = names;
    lastSorted = [...names].sort();
  }
  return lastSorted;
}

/** `serializeParams`, sorting through the cache. */
function serializeParams(params: TwilioParams | undefined): string {
  return serializeParamsWith(params, sortNames);
}

// One update of `url + params`: measured a little faster than a second update per part.
function hmacBase64(key: KeyObject | string, data: string): string {
  return createHmac("sha1", key).update(data, "utf8").digest("base64");
}

/** `computeTwilioSignature` on node:crypto, synchronously. */
export function computeSignatureSync(authToken: string, url: string, params?: TwilioParams): string {
  return hmacBase64(keyFor(authToken), url + serializeParams(params));
}

/**
 * `verifyTwilioSignature` on node:crypto, synchronously; never throws: input that throws when read is
 * a `mismatch`, a failing node:crypto (a key it cannot import, a build without SHA-1) a `crypto_error`.
 */
export function verifySignatureSync(options: VerifyTwilioSignatureOptions): VerifyResult {
  try {
    return verify(options);
  } catch {
    // `verify` reads its input under its own catch, so what reaches here came from node:crypto.
    return { ok: false, reason: "crypto_error" };
  }
}

// Keep in step with `verify` in signature.ts: the differential tests hold both to twilio-node.
function verify(options: VerifyTwilioSignatureOptions): VerifyResult {
  const { authToken, signature, rawBody } = options;
  // Same tokens as `[authToken].flat().filter(…)` in signature.ts, without flat(): V8's flat() is
  // slow enough to show in a profile of a whole check.
  const keys =
    typeof authToken === "string"
      ? authToken
        ? [keyFor(authToken)]
        : []
      : Array.isArray(authToken)
        ? (authToken as unknown[]).filter((token): token is string => !!token && typeof token === "string").map(keyFor)
        : [];
  if (!keys.length) return { ok: false, reason: "missing_auth_token" };
  if (!signature || typeof signature !== "string") return { ok: false, reason: "missing_signature" };
  // Cheap rejection before any HMAC: only 28-character padded base64 can be an HMAC-SHA1.
  if (!signatureShape.test(signature)) return { ok: false, reason: "malformed_signature" };
  const isBodyMode = rawBody != null;
  let url: string;
  let suffix: string;
  try {
    url = String(options.url);
    // Serialised once for every token and URL variant (twilio-node re-sorts the params per variant).
    suffix = isBodyMode ? "" : serializeParams(options.params);
  } catch {
    // A URL or params that throw when read (a hostile getter) cannot match: a bad request, not a crash.
    return { ok: false, reason: "mismatch" };
  }
  const fail = (reason: VerifyFailureReason): VerifyResult => ({ ok: false, reason, checkedUrl: url });
  let parsed = isBodyMode ? parseUrl(url) : undefined;
  if (isBodyMode && !parsed) return fail("invalid_url");

  const tried: string[] = [];
  const matchesAny = (candidates: string[]): boolean => {
    for (const candidate of candidates) {
      if (tried.includes(candidate)) continue;
      tried.push(candidate);
      for (const key of keys) if (timingSafeEqual(hmacBase64(key, candidate + suffix), signature)) return true;
    }
    return false;
  };

  // twilio-node's order: the URL as received without and with a port, then the `new URL()` form and
  // its legacy-querystring form, each without and with a port. Stop at the first match.
  if (!matchesAny(portVariants(url))) {
    // Most webhook URLs are already in `new URL()` form without a query: every later candidate is one
    // of the two just tried, so a mismatch is final without parsing (half the cost of a rejection).
    if (!parsed && isNormalizedUrl(url)) return fail("mismatch");
    parsed ??= parseUrl(url);
    if (!parsed) return fail("invalid_url");
    // The query and the port are disjoint parts of the URL: re-encoding the query once and taking its
    // port variants gives the same two legacy candidates as re-encoding each port variant.
    if (!matchesAny([...portVariants(parsed.href), ...portVariants(withLegacyQuerystring(parsed.href))])) return fail("mismatch");
  }
  if (!isBodyMode) return { ok: true };

  const expected = parsed!.searchParams.get("bodySHA256");
  if (!expected) return fail("missing_body_hash");
  const actual = createHash("sha256").update(rawBody instanceof ArrayBuffer ? new Uint8Array(rawBody) : rawBody).digest("hex");
  return timingSafeEqual(actual, expected) ? { ok: true } : fail("body_hash_mismatch");
}
