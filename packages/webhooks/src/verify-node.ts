/// <reference types="node" />
// computeTwilioSignature / verifyTwilioSignature on node:crypto, behind the same async API as the Web
// Crypto ones in verify.ts: what the default entry exports on Node, and what `/node` exports.
import { computeSignatureSync, verifySignatureSync } from "./node-crypto.js";
import type { TwilioParams } from "./params.js";
import type { VerifyResult, VerifyTwilioSignatureOptions } from "./signature.js";

/**
 * The `X-Twilio-Signature` Twilio would send for this URL and these params (HMAC-SHA1, base64), on node:crypto.
 * @example
 * await computeTwilioSignature("12345", "https://example.com/sms", { Body: "hi" });
 */
export function computeTwilioSignature(authToken: string, url: string, params?: TwilioParams): Promise<string> {
  // A rejected promise rather than a synchronous throw when params cannot be enumerated.
  return new Promise((resolve) => resolve(computeSignatureSync(authToken, url, params)));
}

/**
 * Check an `X-Twilio-Signature` on node:crypto: the same verdicts as the Web Crypto build (both agree
 * with twilio-node's `validateRequest` / `validateRequestWithBody`), several times faster. Never throws.
 * @example
 * const result = await verifyTwilioSignature({ authToken, signature, url, params });
 * if (!result.ok) console.warn(result.reason);
 */
export function verifyTwilioSignature(options: VerifyTwilioSignatureOptions): Promise<VerifyResult> {
  // One settled promise for the whole check: the async API of the Web Crypto build, the cost of a sync call.
  return Promise.resolve(verifySignatureSync(options));
}
