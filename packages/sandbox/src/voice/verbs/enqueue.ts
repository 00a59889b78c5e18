// The caller's side of a queue: `<Enqueue>` (the queue made on demand, `maxQueueSize`/`MaxSize` →
// queue-full), the wait loop (`waitUrl` TwiML fetched again each time it ends, or the default hold
// music), `<Leave>`, a REST dequeue to a `Url`, and the `action` with `QueueResult`.
import type { TwimlNode } from "@twilio-kit/twiml";
import type { Context } from "../../engine/context.js";
import { resolveUrl } from "../../engine/util.js";
import { raiseAlert } from "../../outbound/alerts.js";
import { TWIML_ERRORS } from "../../outbound/twiml-fetch.js";
import { checkName, findQueueByName, insertMember, insertQueue, loadQueue, memberOf, membersOf, removeMember, waitSec, wireQueue, MAX_NAME_LENGTH } from "../../queues/queue.js";
import { FINAL, load, save, type TranscriptEntry } from "../call.js";
import { fetchDocument, later, step } from "../interpreter.js";
import { connect, takeWaitingAgent, unbridge } from "./dial-queue.js";
import { hear } from "./hear.js";
import { notify } from "./notify.js";
import type { QueueCall, QueueWait } from "./queue-state.js";

/** Twilio's default wait music (a classical playlist); the sandbox "plays" it without fetching it. */
export const DEFAULT_WAIT_MUSIC = "http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3";
/** How long one pass of the default wait music lasts. */
export const DEFAULT_WAIT_SEC = 30;
/** Shortest wait loop: an empty or instant `waitUrl` document is fetched again no sooner than this. */
export const MIN_WAIT_LOOP_MS = 1000;

type Heard = (entry: Omit<TranscriptEntry, "at">) => void;

/** Seconds a caller spent in its queue so far. */
function queueTime(ctx: Context, wait: QueueWait): string {
  return String(Math.max(0, Math.round((ctx.clock.now() - wait.enqueuedMs) / 1000)));
}

/** Runs `<Enqueue>`: joins (or creates) the named queue and starts waiting, or reports queue-full. */
export async function startEnqueue(ctx: Context, doc: QueueCall, verb: TwimlNode, heard: Heard): Promise<void> {
  const a = verb.attributes;
  const name = verb.text.trim();
  if (!name || name.length > MAX_NAME_LENGTH) {
    heard({ verb: "Enqueue", note: "skipped: no valid queue name" });
    raiseAlert(ctx, doc.account_sid, TWIML_ERRORS.schemaWarning, `<Enqueue> needs a queue name of 1 to ${MAX_NAME_LENGTH} characters (TaskRouter workflowSid is not emulated)`, doc.sid, undefined, "warning");
    save(ctx, doc);
    return step(ctx, doc);
  }
  const base = doc._docUrl ?? "http://invalid.invalid/";
  const queue = findQueueByName(ctx, doc.account_sid, name) ?? insertQueue(ctx, doc.account_sid, checkName(name));
  const maxAttr = Number(a.maxQueueSize);
  const limit = Number.isInteger(maxAttr) && maxAttr > 0 ? Math.min(maxAttr, queue.max_size) : queue.max_size;
  const wait: QueueWait = {
    queueSid: queue.sid,
    queueName: name,
    action: a.action ? (resolveUrl(a.action, base) ?? null) : null,
    method: (a.method ?? "POST").toUpperCase(),
    waitUrl: a.waitUrl ? (resolveUrl(a.waitUrl, base) ?? null) : null,
    waitMethod: (a.waitUrlMethod ?? "POST").toUpperCase(),
    enqueuedMs: ctx.clock.now(),
    rest: doc._program,
    restDocUrl: doc._docUrl,
    phase: "waiting",
    peer: null,
    loopMs: ctx.clock.now(),
  };
  const size = membersOf(ctx, queue.sid).length;
  if (size >= limit) {
    heard({ verb: "Enqueue", text: name, note: "queue full" });
    save(ctx, doc);
    return queueResult(ctx, doc, wait, "queue-full");
  }
  insertMember(ctx, queue, doc.sid);
  doc._queueWait = wait;
  doc._program = [];
  heard({ verb: "Enqueue", text: name, note: `position ${size + 1}` });
  save(ctx, doc);
  ctx.events.emit({ type: "queue.enqueued", at: ctx.clock.now(), sid: queue.sid, callSid: doc.sid });
  // an agent already waiting in <Dial><Queue> takes this caller at once
  if (await takeWaitingAgent(ctx, queue.sid)) return;
  await playWait(ctx, doc);
}

/** One pass of the wait loop: the `waitUrl` document with the queue's figures, or the default music. */
export async function playWait(ctx: Context, doc: QueueCall): Promise<void> {
  const wait = doc._queueWait;
  const member = memberOf(ctx, doc.sid);
  if (!wait || wait.phase !== "waiting" || !member) return;
  wait.loopMs = ctx.clock.now();
  if (!wait.waitUrl) {
    hear(ctx, doc, { verb: "Play", url: DEFAULT_WAIT_MUSIC, note: "wait music" });
    save(ctx, doc);
    later(ctx, doc, DEFAULT_WAIT_SEC, "qwait");
    return;
  }
  const queue = loadQueue(ctx, wait.queueSid);
  const members = membersOf(ctx, wait.queueSid);
  const figures = queue ? wireQueue(ctx, queue) : { average_wait_time: 0, max_size: 0 };
  save(ctx, doc);
  await fetchDocument(ctx, doc, wait.waitUrl, wait.waitMethod, {
    QueueSid: wait.queueSid,
    QueuePosition: String(members.findIndex((item) => item._callSid === doc.sid) + 1),
    QueueTime: String(waitSec(ctx, member)),
    AvgQueueTime: String(figures.average_wait_time),
    CurrentQueueSize: String(members.length),
    MaxQueueSize: String(figures.max_size),
  });
}

/**
 * Called when a call's document runs out: a waiting caller loops its wait music (true), a caller
 * who heard the agent's `url` TwiML is now bridged (true); anything else hangs up as usual (false).
 */
export async function continueQueueWait(ctx: Context, doc: QueueCall): Promise<boolean> {
  const wait = doc._queueWait;
  if (!wait) return false;
  if (wait.phase === "waiting") {
    const dueMs = Math.max(0, wait.loopMs + MIN_WAIT_LOOP_MS - ctx.clock.now());
    save(ctx, doc);
    later(ctx, doc, dueMs / 1000, "qwait");
    return true;
  }
  if (wait.phase === "bridging") {
    await connect(ctx, doc);
    return true;
  }
  return true;
}

/**
 * The caller leaves its queue with a `QueueResult`: the `action` is fetched and runs, or without one
 * the verbs after `<Enqueue>` do.
 */
export async function queueResult(ctx: Context, doc: QueueCall, wait: QueueWait, result: string): Promise<void> {
  doc._queueWait = null;
  doc._gen++;
  doc._program = [];
  doc._gather = null;
  ctx.clock.cancel(doc.sid);
  save(ctx, doc);
  if (wait.action) {
    const extra: Record<string, string> = { QueueResult: result, QueueSid: wait.queueSid, QueueTime: queueTime(ctx, wait) };
    return fetchDocument(ctx, doc, wait.action, wait.method, extra);
  }
  doc._program = wait.rest;
  doc._docUrl = wait.restDocUrl;
  save(ctx, doc);
  return step(ctx, doc);
}

/** `<Leave>`: a waiting caller leaves its queue (`QueueResult=leave`); elsewhere it does nothing. */
export function leaveQueue(ctx: Context, doc: QueueCall, heard: Heard): Promise<void> {
  const wait = doc._queueWait;
  if (!wait || wait.phase !== "waiting") {
    heard({ verb: "Leave", note: "not in a queue" });
    save(ctx, doc);
    return step(ctx, doc);
  }
  removeMember(ctx, doc.sid);
  heard({ verb: "Leave", text: wait.queueName });
  save(ctx, doc);
  return queueResult(ctx, doc, wait, "leave");
}

/**
 * A REST dequeue (Member update with `Url`): the caller leaves the queue, its `action` hears
 * `QueueResult=redirected` (its answer unused) and the call runs the TwiML at `url`.
 */
export async function dequeueToUrl(ctx: Context, callSid: string, url: string, method: string): Promise<void> {
  const doc = load(ctx, callSid) as QueueCall | undefined;
  if (!doc || FINAL.has(doc.status) || !doc._queueWait) return;
  const wait = doc._queueWait;
  removeMember(ctx, doc.sid);
  doc._queueWait = null;
  doc._gen++;
  doc._program = [];
  doc._gather = null;
  ctx.clock.cancel(doc.sid);
  hear(ctx, doc, { verb: "Enqueue", text: wait.queueName, note: `dequeued to ${url}` });
  save(ctx, doc);
  if (wait.action) await notify(ctx, doc, "queue-action", wait.action, wait.method, { QueueResult: "redirected", QueueSid: wait.queueSid, QueueTime: queueTime(ctx, wait) }, "Enqueue action");
  const fresh = load(ctx, doc.sid);
  if (fresh && !FINAL.has(fresh.status)) await fetchDocument(ctx, fresh, url, method, {});
}

/** A caller that ended while queued: out of the queue, and its `action` hears `QueueResult=hangup`. */
export async function callerEnded(ctx: Context, doc: QueueCall): Promise<void> {
  const wait = doc._queueWait;
  if (!wait) return;
  if (wait.phase !== "waiting" && wait.peer) {
    return unbridge(ctx, wait.peer, doc.sid);
  }
  removeMember(ctx, doc.sid);
  doc._queueWait = null;
  save(ctx, doc);
  if (wait.action) await notify(ctx, doc, "queue-action", wait.action, wait.method, { QueueResult: "hangup", QueueSid: wait.queueSid, QueueTime: queueTime(ctx, wait) }, "Enqueue action");
}

/** A waiting caller redirected by a Calls update: out of the queue, its `action` hears `QueueResult=redirected`. */
export async function redirectedOut(ctx: Context, doc: QueueCall, wait: QueueWait): Promise<void> {
  removeMember(ctx, doc.sid);
  hear(ctx, doc, { verb: "Enqueue", text: wait.queueName, note: "redirected out of the queue" });
  save(ctx, doc);
  if (wait.action) await notify(ctx, doc, "queue-action", wait.action, wait.method, { QueueResult: "redirected", QueueSid: wait.queueSid, QueueTime: queueTime(ctx, wait) }, "Enqueue action");
}
