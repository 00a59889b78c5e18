// The sandbox signs webhooks with @twilio-kit/webhooks, the same code users verify them with.
// This module is the single integration point, so the signing backend can change in one place.
import { computeTwilioSignature } from "@twilio-kit/webhooks";

/** X-Twilio-Signature of a request to `url` with form params (`{}` for GET: the query is in the URL). */
export function signTwilioRequest(authToken: string, url: string, params: Record<string, string | string[]>): Promise<string> {
  return computeTwilioSignature(authToken, url, params);
}
