// The one place that computes X-Twilio-Signature. @twilio-kit/webhooks owns the algorithm for
// users; this module keeps the sandbox's integration point to a single function so it can delegate
// to `computeTwilioSignature` from that package without touching callers.
import { createHmac } from "node:crypto";

/**
 * HMAC-SHA1 over the URL followed by each parameter name and value, names sorted by code unit,
 * repeated names once per value (values sorted, duplicates dropped, as twilio-node does), base64.
 */
export async function signTwilioRequest(authToken: string, url: string, params: Record<string, string | string[]>): Promise<string> {
  let data = url;
  for (const name of Object.keys(params).sort(byCodeUnit)) {
    const value = params[name]!;
    if (Array.isArray(value)) {
      for (const item of [...new Set(value)].sort(byCodeUnit)) data += name + item;
    } else {
      data += name + value;
    }
  }
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
