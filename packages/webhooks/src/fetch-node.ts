// The Fetch API adapter of the default entry's Node build: fetch.ts with the node:crypto verifier.
import type { TwilioWebhookOptions, VerifiedWebhook, WebhookVerification } from "./handle.js";
import { verifyFetchRequest, withTwilioSignatureOn } from "./fetch-request.js";
import { verifyTwilioSignature } from "./verify-node.js";

/**
 * Verify a Fetch `Request` from Twilio: `httpAuth`, the body limit (`Content-Length`, then counted
 * while reading), then the signature. The body is read from a clone, so the request stays readable.
 * @throws TypeError (as a rejection) when `maxBodyBytes` is not a number >= 0.
 * @example
 * const result = await verifyTwilioRequest(request, { authToken: env.TWILIO_AUTH_TOKEN });
 * if (!result.ok) return twilioRejection(result);
 */
export function verifyTwilioRequest(request: Request, options: TwilioWebhookOptions): Promise<WebhookVerification> {
  return verifyFetchRequest(verifyTwilioSignature, request, options);
}

/**
 * Wrap a Fetch handler so it only runs for requests Twilio signed.
 * @throws TypeError when `maxBodyBytes` or `httpAuth` is malformed.
 * @example
 * export const POST = withTwilioSignature((request, { params }) => new Response(twiml), { authToken });
 */
export function withTwilioSignature(
  handler: (request: Request, webhook: VerifiedWebhook) => Response | Promise<Response>,
  options: TwilioWebhookOptions,
): (request: Request) => Promise<Response> {
  return withTwilioSignatureOn(verifyTwilioSignature, handler, options);
}

export { twilioRejection } from "./fetch-request.js";
