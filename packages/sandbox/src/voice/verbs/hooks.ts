// Where queues and conferences plug into a call's life: jobs of the virtual clock, the end of a
// document (a waiting caller keeps waiting instead of hanging up), and the end of the call.
import type { Context } from "../../engine/context.js";
import type { CallDoc } from "../call.js";
import { load, save } from "../call.js";
import { agentEnded, dialQueueTimeout, unbridge } from "./dial-queue.js";
import { callerEnded, continueQueueWait, playWait, redirectedOut } from "./enqueue.js";
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

/**
 * Called before a live call is redirected (REST `Url`/`Twiml`): it leaves its queue (`action` hears
 * `QueueResult=redirected`), its bridge (the peer goes on) or its conference, without running any
 * `action` of its own. `doc` is refreshed in place, since the caller saves it afterwards.
 */
export async function callRedirected(ctx: Context, doc: CallDoc): Promise<void> {
  const call = doc as QueueCall & ConferenceCall;
  const wait = call._queueWait;
  const dial = call._queueDial;
  const inConference = Boolean(call._conf);
  if (!wait && !dial && !inConference) return;
  // forget this call's side first, so that nothing below continues it
  call._queueWait = null;
  call._queueDial = null;
  call._conf = null;
  save(ctx, call);
  if (wait?.phase === "waiting") await redirectedOut(ctx, call, wait);
  else if (wait?.peer) await unbridge(ctx, wait.peer, call.sid);
  if (dial?.phase === "waiting") await agentEnded(ctx, { ...call, _queueDial: dial } as QueueCall);
  else if (dial?.peer) await unbridge(ctx, call.sid, dial.peer);
  if (inConference) await leaveConference(ctx, call.sid, "left");
  Object.assign(doc, load(ctx, doc.sid));
}
