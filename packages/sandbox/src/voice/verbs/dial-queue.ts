// The agent's side of a queue: `<Dial><Queue>` takes the caller at the front (or waits for one until
// the Dial `timeout`), plays the `<Queue url>` TwiML to that caller, then bridges the two calls
// until either hangs up or the Dial `timeLimit` ends it. Afterwards the caller's `action` hears
// `QueueResult=bridged` and the agent's Dial `action` hears `DialCallStatus`.
import type { TwimlNode } from "@twilio-kit/twiml";
import type { Context } from "../../engine/context.js";
import { resolveUrl } from "../../engine/util.js";
import { findQueueByName, loadQueue, membersOf, removeMember, saveQueue, type MemberDoc } from "../../queues/queue.js";
import { FINAL, load, save, type TranscriptEntry } from "../call.js";
import { fetchDocument, later, step } from "../interpreter.js";
import { queueResult } from "./enqueue.js";
import { hear } from "./hear.js";
import { notify } from "./notify.js";
import type { QueueCall, QueueDial } from "./queue-state.js";

type Heard = (entry: Omit<TranscriptEntry, "at">) => void;

function live(ctx: Context, sid: string | null): QueueCall | undefined {
  const doc = sid ? (load(ctx, sid) as QueueCall | undefined) : undefined;
  return doc && !FINAL.has(doc.status) ? doc : undefined;
}

function positiveSec(value: string | undefined, fallback: number | null): number | null {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
}

/** Runs `<Dial><Queue>`: bridges the front caller, or waits for one until the Dial `timeout`. */
export async function startDialQueue(ctx: Context, doc: QueueCall, verb: TwimlNode, noun: TwimlNode, heard: Heard): Promise<void> {
  const a = verb.attributes;
  const name = noun.text.trim();
  const base = doc._docUrl ?? "http://invalid.invalid/";
  const queue = findQueueByName(ctx, doc.account_sid, name);
  const dial: QueueDial = {
    queueSid: queue?.sid ?? "",
    queueName: name,
    phase: "waiting",
    peer: null,
    url: noun.attributes.url ? (resolveUrl(noun.attributes.url, base) ?? null) : null,
    urlMethod: (noun.attributes.method ?? "POST").toUpperCase(),
    action: a.action ? (resolveUrl(a.action, base) ?? null) : null,
    method: (a.method ?? "POST").toUpperCase(),
    timeLimitSec: positiveSec(a.timeLimit, null),
    bridgedMs: null,
  };
  doc._queueDial = dial;
  if (!queue) {
    // Twilio: "If the queue does not exist, Dial will post an error status to its action URL"
    heard({ verb: "Dial", to: `queue:${name}`, status: "failed", note: "no such queue" });
    save(ctx, doc);
    return dialQueueDone(ctx, doc, "failed", null, 0);
  }
  heard({ verb: "Dial", to: `queue:${name}`, note: "dequeuing" });
  save(ctx, doc);
  const front = membersOf(ctx, queue.sid)[0];
  if (front && (await dequeue(ctx, doc.sid, front))) return;
  // an empty queue: wait for the next caller, at most the Dial timeout
  queue._dequeuers = [...queue._dequeuers.filter((sid) => sid !== doc.sid), doc.sid];
  saveQueue(ctx, queue);
  later(ctx, doc, positiveSec(a.timeout, 30)!, "qdialtimeout");
}

/** Lets the oldest agent waiting on a queue take its front caller; true when a bridge began. */
export async function takeWaitingAgent(ctx: Context, queueSid: string): Promise<boolean> {
  const queue = loadQueue(ctx, queueSid);
  if (!queue) return false;
  for (const agentSid of queue._dequeuers) {
    const agent = live(ctx, agentSid);
    const front = membersOf(ctx, queueSid)[0];
    if (!front) return false;
    if (agent?._queueDial?.phase === "waiting" && (await dequeue(ctx, agentSid, front))) return true;
  }
  return false;
}

/** Takes a member out of its queue for an agent and starts the bridge; false for a stale member. */
async function dequeue(ctx: Context, agentSid: string, member: MemberDoc): Promise<boolean> {
  removeMember(ctx, member._callSid);
  const caller = live(ctx, member._callSid);
  const agent = live(ctx, agentSid);
  if (!caller?._queueWait || !agent?._queueDial) return false;
  const queue = loadQueue(ctx, member._queueSid);
  if (queue) {
    queue._dequeuers = queue._dequeuers.filter((sid) => sid !== agentSid);
    saveQueue(ctx, queue);
  }
  ctx.clock.cancel(agentSid, "qdialtimeout");
  const dial = agent._queueDial;
  dial.phase = "bridging";
  dial.peer = caller.sid;
  save(ctx, agent);
  const wait = caller._queueWait;
  const queueTime = String(Math.max(0, Math.round((ctx.clock.now() - wait.enqueuedMs) / 1000)));
  wait.phase = "bridging";
  wait.peer = agentSid;
  // whatever the caller was hearing (wait music, a wait document) stops here
  ctx.clock.cancel(caller.sid);
  caller._gen++;
  caller._program = [];
  caller._gather = null;
  hear(ctx, caller, { verb: "Enqueue", text: wait.queueName, note: `dequeued by ${agentSid}` });
  save(ctx, caller);
  ctx.events.emit({ type: "queue.dequeued", at: ctx.clock.now(), sid: member._queueSid, callSid: caller.sid, agentCallSid: agentSid });
  if (dial.url) {
    // the caller hears the agent's <Queue url> TwiML; when it runs out, continueQueueWait connects them
    await fetchDocument(ctx, caller, dial.url, dial.urlMethod, { QueueSid: member._queueSid, QueueTime: queueTime, DequeingCallSid: agentSid });
  } else {
    await connect(ctx, caller);
  }
  return true;
}

/** Connects a dequeued caller with its agent once the `<Queue url>` TwiML (if any) has played. */
export async function connect(ctx: Context, caller: QueueCall): Promise<void> {
  const wait = caller._queueWait;
  if (!wait || wait.phase !== "bridging") return;
  const agent = live(ctx, wait.peer);
  if (!agent?._queueDial) return unbridge(ctx, wait.peer, caller.sid);
  const nowMs = ctx.clock.now();
  wait.phase = "bridged";
  hear(ctx, caller, { verb: "Enqueue", text: wait.queueName, status: "bridged", to: agent.sid, note: `talking with ${agent.to}` });
  save(ctx, caller);
  const dial = agent._queueDial;
  dial.phase = "bridged";
  dial.bridgedMs = nowMs;
  hear(ctx, agent, { verb: "Dial", to: `queue:${dial.queueName}`, status: "bridged", note: `talking with ${caller.from} (${caller.sid})` });
  save(ctx, agent);
  ctx.events.emit({ type: "call.bridged", at: nowMs, sid: agent.sid, peer: caller.sid, queueSid: dial.queueSid });
  if (dial.timeLimitSec !== null) later(ctx, agent, dial.timeLimitSec, "qbridgelimit");
}

/**
 * Ends a queue bridge (a side hung up, or the Dial `timeLimit` passed): a caller still on the line
 * gets its `action` with `QueueResult` (or its next verbs); an agent still on the line gets its Dial
 * `action` with `DialCallStatus=completed` (or its next verbs).
 */
export async function unbridge(ctx: Context, agentSid: string | null, callerSid: string): Promise<void> {
  const agentDoc = agentSid ? (load(ctx, agentSid) as QueueCall | undefined) : undefined;
  const callerDoc = load(ctx, callerSid) as QueueCall | undefined;
  const dial = agentDoc?._queueDial?.peer === callerSid ? agentDoc._queueDial : null;
  const wait = callerDoc?._queueWait?.peer === agentSid ? callerDoc._queueWait : null;
  const talkSec = dial?.bridgedMs != null ? Math.max(0, Math.round((ctx.clock.now() - dial.bridgedMs) / 1000)) : 0;
  // clear both sides before any webhook, so nothing re-enters this bridge
  if (agentDoc && dial) {
    agentDoc._queueDial = null;
    ctx.clock.cancel(agentDoc.sid, "qbridgelimit");
    if (!FINAL.has(agentDoc.status)) hear(ctx, agentDoc, { verb: "Dial", to: `queue:${dial.queueName}`, status: "completed", note: `call with ${callerSid} ended after ${talkSec} s` });
    save(ctx, agentDoc);
  }
  if (callerDoc && wait) {
    const result = wait.phase === "bridged" ? "bridged" : "bridging-in-process";
    if (FINAL.has(callerDoc.status)) {
      callerDoc._queueWait = null;
      save(ctx, callerDoc);
      if (wait.action) await notify(ctx, callerDoc, "queue-action", wait.action, wait.method, { QueueResult: result, QueueSid: wait.queueSid, QueueTime: String(Math.round((ctx.clock.now() - wait.enqueuedMs) / 1000)) }, "Enqueue action");
    } else {
      hear(ctx, callerDoc, { verb: "Enqueue", text: wait.queueName, note: `call with ${agentSid} ended` });
      await queueResult(ctx, callerDoc, wait, result);
    }
  }
  const agent = live(ctx, agentSid);
  if (agent && dial) await dialQueueDone(ctx, agent, "completed", callerSid, talkSec, dial);
}

/** The agent's Dial is over: its `action` (with `QueueSid`) runs, or the verbs after `<Dial>`. */
async function dialQueueDone(ctx: Context, agent: QueueCall, status: string, peer: string | null, talkSec: number, dial = agent._queueDial): Promise<void> {
  agent._queueDial = null;
  if (!dial?.action) {
    save(ctx, agent);
    return step(ctx, agent);
  }
  agent._gen++;
  agent._program = [];
  save(ctx, agent);
  const extra: Record<string, string> = { DialCallStatus: status, DialCallDuration: String(talkSec) };
  if (peer) extra.DialCallSid = peer;
  if (dial.queueSid) extra.QueueSid = dial.queueSid;
  await fetchDocument(ctx, agent, dial.action, dial.method, extra);
}

/** The Dial `timeout` passed with nobody in the queue: `DialCallStatus=no-answer`. */
export async function dialQueueTimeout(ctx: Context, agent: QueueCall): Promise<void> {
  const dial = agent._queueDial;
  if (!dial || dial.phase !== "waiting") return;
  const queue = loadQueue(ctx, dial.queueSid);
  if (queue) {
    queue._dequeuers = queue._dequeuers.filter((sid) => sid !== agent.sid);
    saveQueue(ctx, queue);
  }
  hear(ctx, agent, { verb: "Dial", to: `queue:${dial.queueName}`, status: "no-answer", note: "nobody joined the queue" });
  await dialQueueDone(ctx, agent, "no-answer", null, 0);
}

/** An agent that ended: out of the queue's waiting agents, or its bridge ends. */
export async function agentEnded(ctx: Context, agent: QueueCall): Promise<void> {
  const dial = agent._queueDial;
  if (!dial) return;
  if (dial.phase === "waiting") {
    agent._queueDial = null;
    save(ctx, agent);
    const queue = loadQueue(ctx, dial.queueSid);
    if (queue) {
      queue._dequeuers = queue._dequeuers.filter((sid) => sid !== agent.sid);
      saveQueue(ctx, queue);
    }
    return;
  }
  if (dial.peer) await unbridge(ctx, agent.sid, dial.peer);
}
