// Webhooks whose answer is not used: an action requested after the call already moved on (a caller
// who hung up in a queue, a dequeued caller), conference status callbacks. Failures become warnings.
import type { Context } from "../../engine/context.js";
import { deliveryFailure, raiseAlert } from "../../outbound/alerts.js";
import { callParams, type CallDoc } from "../call.js";

/** Posts a webhook about a call and ignores its answer; a failed delivery raises a warning alert. */
export async function notify(ctx: Context, doc: CallDoc, kind: string, url: string, method: string, extra: Record<string, string>, what: string): Promise<void> {
  const delivery = await ctx.send({
    kind,
    ref: doc.sid,
    accountSid: doc.account_sid,
    authToken: ctx.authTokenOf(doc.account_sid),
    url,
    method,
    params: { ...callParams(doc), ...extra },
  });
  const failure = deliveryFailure(delivery);
  if (failure) raiseAlert(ctx, doc.account_sid, failure.code, `${what}: ${failure.text}`, doc.sid, delivery, "warning");
}
