// Where queues and conferences plug into a call's life: jobs of the virtual clock, the end of a
// document (a waiting caller keeps waiting instead of hanging up), and the end of the call.
import type { Context } from "../../engine/context.js";
import type { CallDoc } from "../call.js";
import { agentEnded, dialQueueTimeout, unbridge } from "./dial-queue.js";
import { callerEnded, continueQueueWait, playWait } from "./enqueue.js";
import type { QueueCall } from "./queue-state.js";
import type { ConferenceCall } from "./conference-state.js";
import { continueConference, leaveConference, playConferenceAudio } from "./dial-conference.js";

/** Runs a queue or conference job of the clock on its call (unknown kinds do nothing). */
export function runVerbJob(ctx: Context, doc: CallDoc, kind: string): Promise<void> | void {
  const call = doc as QueueCall;
  if (kind === "qwait") return playWait(ctx, call);
  if (kind === "qdialtimeout") return dialQueueTimeout(ctx, call);
  if (kind === "qbridgelimit" && call._queueDial?.peer) return unbridge(ctx, call.sid, call._queueDial.peer);
  if (kind === "cfloop") return playConferenceAudio(ctx, doc as ConferenceCall);
}

/** Called when a call's TwiML runs out; true when the call stays (it waits in a queue or a conference). */
export async function documentEnded(ctx: Context, doc: CallDoc): Promise<boolean> {
  if ((doc as ConferenceCall)._conf) return continueConference(ctx, doc as ConferenceCall);
  return continueQueueWait(ctx, doc as QueueCall);
}

/** Called once a call ended: it leaves its queue, bridge or conference. */
export async function callEnded(ctx: Context, doc: CallDoc): Promise<void> {
  await callerEnded(ctx, doc as QueueCall);
  await agentEnded(ctx, doc as QueueCall);
  await leaveConference(ctx, doc.sid, "left");
}
