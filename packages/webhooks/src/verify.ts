import { computeWith, verifyWith, type VerifyResult, type VerifyTwilioSignatureOptions } from "./signature.js";
import type { TwilioParams } from "./params.js";
import { webCryptoBackend } from "./web-crypto.js";

/**
 * The `X-Twilio-Signature` Twilio would send for this URL and these params (HMAC-SHA1, base64).
 * @example
 * await computeTwilioSignature("12345", "https://example.com/sms", { Body: "hi" });
 */
export function computeTwilioSignature(authToken: string, url: string, params?: TwilioParams): Promise<string> {
  return computeWith(webCryptoBackend, authToken, url, params);
}

/**
 * Check an `X-Twilio-Signature`; agrees with twilio-node's `validateRequest` (params) and
 * `validateRequestWithBody` (`rawBody`). Never throws: bad input is a `{ ok: false, reason }`.
 * @example
 * const result = await verifyTwilioSignature({ authToken, signature, url, params });
 * if (!result.ok) console.warn(result.reason);
 */
export function verifyTwilioSignature(options: VerifyTwilioSignatureOptions): Promise<VerifyResult> {
  return verifyWith(webCryptoBackend, options);
}
