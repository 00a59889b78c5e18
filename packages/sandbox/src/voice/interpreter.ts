// The TwiML interpreter of a call: fetches documents, runs verbs on the virtual clock (Say, Play, Pause,
// Gather, Redirect, Hangup, Reject, Record, Dial) and keeps a transcript of what the caller heard.
import type { TwimlNode } from "@twilio-kit/twiml";
import type { Context } from "../engine/context.js";
import type { Doc } from "../engine/store.js";
import { resolveUrl, rfc2822 } from "../engine/util.js";
import { SandboxHttpError } from "../http/errors.js";
import { raiseAlert } from "../outbound/alerts.js";
import { fetchTwiml, parseDocument, redirectTarget, TWIML_ERRORS } from "../outbound/twiml-fetch.js";
import { callParams, FINAL, insertCall, isLive, load, OUTCOME_RULES, save, type CallDoc, type CallStatus, type TranscriptEntry } from "./call.js";
import { finish } from "./lifecycle.js";
import { startDialConference } from "./verbs/dial-conference.js";
import { startDialQueue } from "./verbs/dial-queue.js";
import { leaveQueue, startEnqueue } from "./verbs/enqueue.js";
import { documentEnded } from "./verbs/hooks.js";
import { runConnect, runStart, runStop, streamsOnNewDocument } from "./streams/hooks.js";

/** Simulated length of a recording and of an answered `<Dial>` leg, in seconds. */
export const RECORDING_SEC = 5;
export const DIAL_TALK_SEC = 10;

/**
 * Fetches TwiML for a call (Url, Redirect, Gather/Record/Dial action) and runs it; on failure the
 * fallback URL, then Twilio's application error.
 * @param documents documents fetched so far in this chain of `<Redirect>`s
 */
export async function fetchDocument(
  ctx: Context,
  doc: CallDoc,
  url: string,
  method: string,
  extra: Record<string, string>,
  fallbackUrl: string | null = null,
  fallbackMethod = "POST",
  documents = 0,
): Promise<void> {
  const gen = doc._gen;
  const fetched = await fetchTwiml(ctx, {
    kind: "voice",
    ref: doc.sid,
    accountSid: doc.account_sid,
    url,
    method,
    params: { ...callParams(doc), ...extra },
    // the call was hung up or redirected while we waited: this answer is stale
    isCurrent: () => isLive(ctx, doc.sid, gen),
  });
  if (fetched.kind === "stale") return;
  const fresh = load(ctx, doc.sid)!;
  if (fetched.kind === "failed") {
    if (fallbackUrl) return fetchDocument(ctx, fresh, fallbackUrl, fallbackMethod, extra, null, "POST", documents);
    return applicationError(ctx, fresh);
  }
  await runProgram(ctx, fresh, fetched.root!, url, documents + 1);
}

/** What Twilio does when a call's TwiML cannot be used: says so and hangs up. */
export async function applicationError(ctx: Context, doc: CallDoc): Promise<void> {
  doc._transcript.push({ at: ctx.clock.now(), verb: "Say", text: "We are sorry, an application error has occurred. Goodbye.", note: "application error" });
  save(ctx, doc);
  await finish(ctx, doc, doc._answeredMs === null ? "failed" : "completed");
}

/** Runs inline TwiML (a call's `Twiml` parameter); unparseable TwiML is an application error. */
export async function runDocument(ctx: Context, doc: CallDoc, xml: string, docUrl: string | null): Promise<void> {
  const root = parseDocument(ctx, { accountSid: doc.account_sid, ref: doc.sid }, xml);
  if (!root) return applicationError(ctx, doc);
  await runProgram(ctx, doc, root, docUrl, 1);
}

/**
 * Replaces the call's program with a parsed document and starts it.
 * @param documents documents fetched so far in this chain of `<Redirect>`s, this one included
 */
export async function runProgram(ctx: Context, doc: CallDoc, root: TwimlNode, docUrl: string | null, documents: number): Promise<void> {
  doc._gen++;
  doc._program = root.children;
  doc._docUrl = docUrl;
  doc._gather = null;
  save(ctx, doc);
  // a redirect cancels the call's jobs: streams keep their tick (and a held <Connect> is stopped by it)
  streamsOnNewDocument(ctx, doc);
  await step(ctx, doc, documents);
}

export function words(text: string): number {
  return text.trim().split(/\s+/).filter(Boolean).length;
}

export function loopCount(value: string | undefined): number {
  const n = Number(value ?? 1);
  // loop="0" repeats until hang-up; once is what a transcript can show
  return Number.isInteger(n) && n > 0 ? Math.min(n, 100) : 1;
}

export function later(ctx: Context, doc: CallDoc, seconds: number, kind: string, data: Record<string, unknown> = {}): void {
  ctx.clock.schedule(Math.round(seconds * 1000), kind, doc.sid, { gen: doc._gen, ...data });
}

/** Executes verbs until one takes time (then a job resumes it) or the document ends. */
export async function step(ctx: Context, doc: CallDoc, documents = 1): Promise<void> {
  const heard = (entry: Omit<TranscriptEntry, "at">) => {
    const full = { at: ctx.clock.now(), ...entry };
    doc._transcript.push(full);
    ctx.events.emit({ type: "call.transcript", at: full.at, sid: doc.sid, entry: full });
  };
  while (doc._program.length) {
    const verb = doc._program.shift()!;
    const a = verb.attributes;
    switch (verb.type) {
      case "Say":
      case "Play":
      case "Pause":
      case "Record":
        return runTimedVerb(ctx, doc, verb, heard);
      case "Gather":
        return startGather(ctx, doc, verb, heard);
      case "Redirect": {
        const target = redirectTarget(ctx, { accountSid: doc.account_sid, ref: doc.sid }, verb, doc._docUrl ?? "http://invalid.invalid/", documents);
        if (!target) return applicationError(ctx, doc);
        heard({ verb: "Redirect", url: target });
        save(ctx, doc);
        return fetchDocument(ctx, doc, target, a.method ?? "POST", {}, null, "POST", documents);
      }
      case "Hangup":
        heard({ verb: "Hangup" });
        return finish(ctx, doc, "completed");
      case "Reject": {
        heard({ verb: "Reject", text: a.reason ?? "rejected" });
        // only an unanswered call can be rejected; later it is just a hang-up
        if (doc._answeredMs !== null) return finish(ctx, doc, "completed");
        return finish(ctx, doc, a.reason === "busy" ? "busy" : "failed");
      }
      case "Dial": {
        // <Dial><Queue> and <Dial><Conference> join calls of the sandbox; other nouns dial a simulated party
        const queue = verb.children.find((child) => child.type === "Queue");
        if (queue) return startDialQueue(ctx, doc, verb, queue, heard);
        const conference = verb.children.find((child) => child.type === "Conference");
        if (conference) return startDialConference(ctx, doc, verb, conference, heard);
        return startDial(ctx, doc, verb, heard);
      }
      case "Enqueue":
        return startEnqueue(ctx, doc, verb, heard);
      case "Leave":
        return leaveQueue(ctx, doc, heard);
      // Media Streams and ConversationRelay over a WebSocket to the app (streams/)
      case "Connect":
        return runConnect(ctx, doc, verb, heard);
      case "Start":
        return runStart(ctx, doc, verb, heard);
      case "Stop":
        return runStop(ctx, doc, verb, heard);
      default:
        heard({ verb: verb.type, note: "not emulated" });
        raiseAlert(ctx, doc.account_sid, TWIML_ERRORS.schemaWarning, `<${verb.type}> is not emulated by the sandbox: skipped`, doc.sid, undefined, "warning");
    }
  }
  // falling off the end of the document hangs up, unless the call waits in a queue
  if (await documentEnded(ctx, doc)) return;
  await finish(ctx, doc, "completed");
}

/** The verbs that only take time on the call (what the caller hears, a pause, a recording): a job resumes the document after them. */
function runTimedVerb(ctx: Context, doc: CallDoc, verb: TwimlNode, heard: (entry: Omit<TranscriptEntry, "at">) => void): void {
  const a = verb.attributes;
  switch (verb.type) {
    case "Say": {
      const loops = loopCount(a.loop);
      for (let i = 0; i < loops; i++) heard({ verb: "Say", text: verb.text.trim() });
      save(ctx, doc);
      later(ctx, doc, Math.max(1, Math.ceil(words(verb.text) / 2.5)) * loops, "vstep");
      return;
    }
    case "Play": {
      if (a.digits) {
        heard({ verb: "Play", digits: a.digits });
        save(ctx, doc);
        later(ctx, doc, 1, "vstep");
        return;
      }
      const loops = loopCount(a.loop);
      for (let i = 0; i < loops; i++) heard({ verb: "Play", url: verb.text.trim() });
      save(ctx, doc);
      later(ctx, doc, 5 * loops, "vstep");
      return;
    }
    case "Pause": {
      const length = Number(a.length ?? 1);
      heard({ verb: "Pause", text: String(length) });
      save(ctx, doc);
      later(ctx, doc, Number.isFinite(length) && length >= 0 ? length : 1, "vstep");
      return;
    }
    case "Record": {
      heard({ verb: "Record", note: a.playBeep === "false" ? undefined : "beep" });
      save(ctx, doc);
      const maxLength = Number(a.maxLength ?? 3600);
      const seconds = Math.min(RECORDING_SEC, Number.isFinite(maxLength) && maxLength > 0 ? maxLength : RECORDING_SEC);
      later(ctx, doc, seconds, "vrecord", { seconds, action: a.action ?? null, method: a.method ?? "POST" });
      return;
    }
  }
}

export function startGather(ctx: Context, doc: CallDoc, verb: TwimlNode, heard: (entry: Omit<TranscriptEntry, "at">) => void): Promise<void> | void {
  const a = verb.attributes;
  let promptSec = 0;
  for (const child of verb.children) {
    if (child.type === "Say") {
      heard({ verb: "Say", text: child.text.trim() });
      promptSec += Math.max(1, Math.ceil(words(child.text) / 2.5));
    } else if (child.type === "Play") {
      heard({ verb: "Play", url: child.text.trim() });
      promptSec += 5;
    } else if (child.type === "Pause") promptSec += Number(child.attributes.length ?? 1) || 1;
  }
  const numDigits = a.numDigits === undefined ? undefined : Number(a.numDigits);
  doc._gather = {
    action: resolveUrl(a.action ?? "", doc._docUrl ?? "http://invalid.invalid/") ?? doc._docUrl ?? "",
    method: a.method ?? "POST",
    numDigits: Number.isInteger(numDigits) && numDigits! > 0 ? numDigits : undefined,
    finishOnKey: a.finishOnKey ?? "#",
    input: a.input ?? "dtmf",
    actionOnEmptyResult: a.actionOnEmptyResult === "true",
  };
  heard({ verb: "Gather", note: `waiting for ${doc._gather.input}` });
  save(ctx, doc);
  // input given before the <Gather> came up (scripted tests) is consumed at once
  if (doc._pendingDigits || doc._pendingSpeech !== null) {
    const digits = doc._pendingDigits;
    const speech = doc._pendingSpeech;
    doc._pendingDigits = "";
    doc._pendingSpeech = null;
    return completeGather(ctx, doc, speech !== null ? { speech } : { digits });
  }
  const timeout = Number(a.timeout ?? 5);
  later(ctx, doc, promptSec + (Number.isFinite(timeout) && timeout >= 0 ? timeout : 5), "vgather");
}

export async function completeGather(ctx: Context, doc: CallDoc, input: { digits?: string; speech?: string; timedOut?: boolean }): Promise<void> {
  const gather = doc._gather!;
  doc._gather = null;
  ctx.clock.cancel(doc.sid, "vgather");
  if (input.timedOut && !gather.actionOnEmptyResult) {
    doc._transcript.push({ at: ctx.clock.now(), verb: "Gather", note: "timeout" });
    save(ctx, doc);
    return step(ctx, doc);
  }
  const extra: Record<string, string> = {};
  if (input.speech !== undefined) {
    extra.SpeechResult = input.speech;
    extra.Confidence = "0.9";
    doc._transcript.push({ at: ctx.clock.now(), verb: "Gather", speech: input.speech });
  } else {
    let digits = input.digits ?? "";
    const finishAt = gather.finishOnKey ? digits.indexOf(gather.finishOnKey) : -1;
    if (finishAt !== -1) {
      extra.FinishedOnKey = gather.finishOnKey;
      digits = digits.slice(0, finishAt);
    }
    if (gather.numDigits !== undefined) digits = digits.slice(0, gather.numDigits);
    extra.Digits = digits;
    doc._transcript.push({ at: ctx.clock.now(), verb: "Gather", digits });
  }
  doc._gen++;
  doc._program = [];
  save(ctx, doc);
  if (!gather.action) return finish(ctx, doc, "completed");
  await fetchDocument(ctx, doc, gather.action, gather.method, extra);
}

export function startDial(ctx: Context, doc: CallDoc, verb: TwimlNode, heard: (entry: Omit<TranscriptEntry, "at">) => void): void {
  const a = verb.attributes;
  const noun = verb.children.find((child) => ["Number", "Client", "Sip", "Conference", "Queue"].includes(child.type));
  const target = (noun ? (noun.type === "Client" ? `client:${noun.text.trim()}` : noun.text.trim()) : verb.text.trim()) || "unknown";
  const outcome = OUTCOME_RULES[target] ?? "answer";
  const dialStatus = outcome === "answer" ? "completed" : outcome;
  const timeLimit = Number(a.timeLimit ?? DIAL_TALK_SEC);
  const talkSec = outcome === "answer" ? Math.min(DIAL_TALK_SEC, Number.isFinite(timeLimit) && timeLimit > 0 ? timeLimit : DIAL_TALK_SEC) : 0;
  const timeout = Number(a.timeout ?? 30);
  const ringSec = outcome === "no-answer" ? (Number.isFinite(timeout) ? timeout : 30) : ctx.delays.answerMs / 1000;
  const child = insertCall(ctx, {
    accountSid: doc.account_sid,
    to: target,
    from: a.callerId ?? doc.from,
    direction: "outbound-dial",
    parentCallSid: doc.sid,
    status: "queued",
  });
  heard({ verb: "Dial", to: target, status: dialStatus });
  save(ctx, doc);
  later(ctx, doc, ringSec + talkSec, "vdial", {
    child: child.sid,
    status: dialStatus,
    talkSec,
    ringSec,
    action: a.action ?? null,
    method: a.method ?? "POST",
  });
}

export async function endDial(ctx: Context, doc: CallDoc, data: { child: string; status: string; talkSec: number; ringSec: number; action: string | null; method: string }): Promise<void> {
  const child = load(ctx, data.child);
  if (child && !FINAL.has(child.status)) {
    if (data.status === "completed") {
      child._answeredMs = ctx.clock.now() - data.talkSec * 1000;
      child.start_time = rfc2822(child._answeredMs);
      child._startMs = child._answeredMs;
    }
    await finish(ctx, child, data.status as CallStatus);
  }
  if (!data.action) return step(ctx, doc);
  const target = resolveUrl(data.action, doc._docUrl ?? "http://invalid.invalid/");
  if (!target) return step(ctx, doc);
  doc._gen++;
  doc._program = [];
  save(ctx, doc);
  await fetchDocument(ctx, doc, target, data.method, {
    DialCallStatus: data.status,
    DialCallSid: data.child,
    DialCallDuration: String(data.talkSec),
  });
}

export async function endRecord(ctx: Context, doc: CallDoc, data: { seconds: number; action: string | null; method: string }): Promise<void> {
  const sid = ctx.sid("RE");
  const nowMs = ctx.clock.now();
  const now = rfc2822(nowMs);
  const uri = `/2010-04-01/Accounts/${doc.account_sid}/Recordings/${sid}`;
  const recording: Doc = {
    account_sid: doc.account_sid,
    api_version: "2010-04-01",
    call_sid: doc.sid,
    conference_sid: null,
    date_created: now,
    date_updated: now,
    start_time: rfc2822(nowMs - data.seconds * 1000),
    duration: String(data.seconds),
    sid,
    price: "-0.00250",
    price_unit: "USD",
    status: "completed",
    channels: 1,
    source: "RecordVerb",
    error_code: null,
    uri: `${uri}.json`,
    encryption_details: null,
    subresource_uris: { add_on_results: `${uri}/AddOnResults.json`, transcriptions: `${uri}/Transcriptions.json` },
    media_url: `https://api.twilio.com${uri}`,
  };
  ctx.store.insert("recording", recording, { account_sid: doc.account_sid, parent_sid: doc.sid, date_ms: nowMs });
  ctx.events.emit({ type: "recording.created", at: nowMs, sid, callSid: doc.sid });
  if (!data.action) return step(ctx, doc);
  const target = resolveUrl(data.action, doc._docUrl ?? "http://invalid.invalid/");
  if (!target) return step(ctx, doc);
  doc._gen++;
  doc._program = [];
  save(ctx, doc);
  await fetchDocument(ctx, doc, target, data.method, {
    RecordingUrl: `https://api.twilio.com${uri}`,
    RecordingSid: sid,
    RecordingDuration: String(data.seconds),
    Digits: "hangup",
  });
}

/** The transcript of a call: what the caller heard, pressed and said. */
export function transcriptOf(ctx: Context, sid: string): { sid: string; status: string; transcript: TranscriptEntry[] } {
  const doc = load(ctx, sid);
  if (!doc) throw new SandboxHttpError(404, 20404, `Call ${sid} was not found`);
  return { sid: doc.sid, status: doc.status, transcript: doc._transcript };
}
