// A call's progress on the virtual clock (queued → initiated → ringing → in-progress → completed, or
// busy / no-answer / failed), status callbacks filtered by StatusCallbackEvent, and the clock's voice jobs.
import type { Context } from "../engine/context.js";
import type { Job } from "../engine/store.js";
import { rfc2822 } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER } from "../http/errors.js";
import { deliveryFailure, raiseAlert } from "../outbound/alerts.js";
import { activeCall, callParams, FINAL, load, save, SIP_CODES, type CallDoc, type CallStatus } from "./call.js";
import { completeGather, endDial, endRecord, fetchDocument, runDocument, step } from "./interpreter.js";
import { callEnded, runVerbJob } from "./verbs/hooks.js";
import { runStreamTick, STREAM_TICK_JOB, streamsEnded } from "./streams/hooks.js";

export function setStatus(ctx: Context, doc: CallDoc, status: CallStatus): void {
  doc.status = status;
  doc.date_updated = rfc2822(ctx.clock.now());
  save(ctx, doc);
  ctx.events.emit({ type: "call.status", at: ctx.clock.now(), sid: doc.sid, status, to: doc.to, from: doc.from, direction: doc.direction, accountSid: doc.account_sid });
}

// event: initiated | ringing | answered | completed (completed also carries busy/no-answer/failed/canceled)
export async function statusCallback(ctx: Context, doc: CallDoc, event: string): Promise<void> {
  if (!doc._cb || !doc._events.includes(event)) return;
  const callStatus = event === "initiated" ? "initiated" : event === "answered" ? "in-progress" : doc.status;
  const params = callParams(doc, callStatus);
  params.CallbackSource = "call-progress-events";
  params.SequenceNumber = String(doc._seq++);
  params.Timestamp = rfc2822(ctx.clock.now());
  if (event === "completed") {
    params.CallDuration = doc.duration ?? "0";
    params.Duration = String(Math.ceil(Number(doc.duration ?? 0) / 60));
    params.SipResponseCode = SIP_CODES[doc.status] ?? "200";
  }
  save(ctx, doc);
  const delivery = await ctx.send({ kind: "call-status", ref: doc.sid, accountSid: doc.account_sid, authToken: ctx.authTokenOf(doc.account_sid), url: doc._cb, method: doc._cbMethod, params });
  const failure = deliveryFailure(delivery);
  if (failure) raiseAlert(ctx, doc.account_sid, failure.code, `Call status callback: ${failure.text}`, doc.sid, delivery, "warning");
}

/** Ends a call in a final status: duration, price, transcript end, `completed` callback. */
export async function finish(ctx: Context, doc: CallDoc, status: CallStatus): Promise<void> {
  if (FINAL.has(doc.status)) return;
  const nowMs = ctx.clock.now();
  ctx.clock.cancel(doc.sid);
  doc._gen++;
  doc._program = [];
  doc._gather = null;
  doc.end_time = rfc2822(nowMs);
  const seconds = doc._answeredMs === null ? 0 : Math.max(0, Math.round((nowMs - doc._answeredMs) / 1000));
  doc.duration = String(seconds);
  if (!doc.start_time) doc.start_time = doc.end_time;
  doc.price = doc._answeredMs === null ? null : (-0.014 * Math.max(1, Math.ceil(seconds / 60))).toFixed(5);
  doc._transcript.push({ at: nowMs, verb: "End", status });
  setStatus(ctx, doc, status);
  await statusCallback(ctx, doc, "completed");
  // a queued caller leaves its queue, a bridged call frees its peer
  await callEnded(ctx, doc);
  // open Media Streams get `stop`, ConversationRelay sessions end (and report to their action URL)
  await streamsEnded(ctx, doc);
}

/** Runs a `call` job: initiate → ring → answer (or busy / no-answer / failed). */
export async function progress(ctx: Context, doc: CallDoc, step: string): Promise<void> {
  if (FINAL.has(doc.status)) return;
  if (step === "initiate") {
    ctx.clock.schedule(ctx.delays.ringingMs, "call", doc.sid, { step: "ring" });
    await statusCallback(ctx, doc, "initiated");
  } else if (step === "ring") {
    if (doc._outcome === "failed") return finish(ctx, doc, "failed");
    setStatus(ctx, doc, "ringing");
    const delay = doc._outcome === "no-answer" ? doc._timeoutSec * 1000 : ctx.delays.answerMs;
    ctx.clock.schedule(delay, "call", doc.sid, { step: "answer" });
    await statusCallback(ctx, doc, "ringing");
  } else if (step === "answer") {
    if (doc._outcome === "busy" || doc._outcome === "no-answer") return finish(ctx, doc, doc._outcome);
    answer(ctx, doc);
    await statusCallback(ctx, doc, "answered");
    const fresh = load(ctx, doc.sid);
    if (!fresh || FINAL.has(fresh.status)) return;
    if (fresh._twiml !== null) await runDocument(ctx, fresh, fresh._twiml, fresh._docUrl);
    else await fetchDocument(ctx, fresh, fresh._url!, fresh._method, {}, fresh._fallbackUrl, fresh._fallbackMethod);
  }
}

export function answer(ctx: Context, doc: CallDoc): void {
  const nowMs = ctx.clock.now();
  doc._answeredMs = nowMs;
  doc._startMs = nowMs;
  doc.start_time = rfc2822(nowMs);
  setStatus(ctx, doc, "in-progress");
}

/** Runs the voice jobs of the clock: `call` (progress), `vstep`, `vgather`, `vrecord`, `vdial`, and those of verbs/hooks.ts. */
export function runCallJob(ctx: Context, job: Job): Promise<void> | void {
  const doc = load(ctx, job.ref);
  if (!doc || FINAL.has(doc.status)) return;
  const data = (job.data ? JSON.parse(job.data) : {}) as Record<string, unknown>;
  if (job.kind === "call") return progress(ctx, doc, String(data.step));
  // streams outlive document changes (<Start><Stream> goes on across redirects): no generation check
  if (job.kind === STREAM_TICK_JOB) return runStreamTick(ctx, doc);
  // interpreter jobs belong to one document generation; a newer document makes them stale
  if (data.gen !== doc._gen) return;
  if (job.kind === "vstep") return step(ctx, doc);
  if (job.kind === "vgather" && doc._gather) return completeGather(ctx, doc, { timedOut: true });
  if (job.kind === "vrecord") return endRecord(ctx, doc, data as never);
  if (job.kind === "vdial") return endDial(ctx, doc, data as never);
  return runVerbJob(ctx, doc, job.kind);
}

/** Hangs up a call from the caller's side. */
export async function hangUp(ctx: Context, sid: string): Promise<void> {
  const doc = activeCall(ctx, sid);
  await finish(ctx, doc, doc._answeredMs === null ? "canceled" : "completed");
}

/** Forces a call into a final status (control API). */
export async function forceCallStatus(ctx: Context, sid: string, status: string): Promise<void> {
  const doc = activeCall(ctx, sid);
  if (!FINAL.has(status)) throw badRequest(INVALID_PARAMETER, `Status must be one of ${[...FINAL].join(", ")}`);
  await finish(ctx, doc, status as CallStatus);
}
