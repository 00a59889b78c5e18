// Calls: progress on the virtual clock, status callbacks filtered by StatusCallbackEvent, inbound
// calls to a number's VoiceUrl, and a TwiML interpreter that keeps a transcript of what the caller heard.
import { assertAccess } from "../accounts/api.js";
import { deliveryFailure, isXmlContentType, raiseAlert } from "../outbound/alerts.js";
import type { Context } from "../engine/context.js";
import { pageOf, toWire } from "../engine/context.js";
import { badRequest, INVALID_PARAMETER, notFound, SandboxHttpError } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import { resolveUrl } from "../messages/api.js";
import { findNumber } from "../numbers/api.js";
import type { Doc, Job } from "../engine/store.js";
import { parseTwiml, TwimlParseError, type TwimlNode } from "@twilio-kit/twiml";
import { bareNumber, first, formatNumber, isE164, rfc2822 } from "../engine/util.js";

/** Call statuses (OAI `call_enum_status`). */
export type CallStatus = "queued" | "ringing" | "in-progress" | "completed" | "busy" | "failed" | "no-answer" | "canceled";

/** One line of a call's transcript: what the caller heard or did. */
export interface TranscriptEntry {
  at: number;
  verb: string;
  text?: string;
  url?: string;
  digits?: string;
  speech?: string;
  to?: string;
  status?: string;
  note?: string;
}

interface GatherState {
  action: string;
  method: string;
  numDigits: number | undefined;
  finishOnKey: string;
  input: string;
  actionOnEmptyResult: boolean;
}

/** A stored call. */
export interface CallDoc extends Doc {
  account_sid: string;
  to: string;
  from: string;
  status: CallStatus;
  direction: string;
  start_time: string | null;
  end_time: string | null;
  duration: string | null;
  price: string | null;
  parent_call_sid: string | null;
  _url: string | null;
  _method: string;
  _fallbackUrl: string | null;
  _fallbackMethod: string;
  _twiml: string | null;
  _cb: string | null;
  _cbMethod: string;
  _events: string[];
  _timeoutSec: number;
  _outcome: "answer" | "busy" | "no-answer" | "failed";
  _answeredMs: number | null;
  _startMs: number | null;
  _program: TwimlNode[];
  _docUrl: string | null;
  _gather: GatherState | null;
  _pendingDigits: string;
  _pendingSpeech: string | null;
  _transcript: TranscriptEntry[];
  _gen: number;
  _seq: number;
}

const FINAL: ReadonlySet<string> = new Set(["completed", "busy", "failed", "no-answer", "canceled"]);
/** Destinations with a simulated outcome; the last digits are the SIP response code. */
const OUTCOME_RULES: Record<string, CallDoc["_outcome"]> = {
  "+15005550486": "busy",
  "+15005550408": "no-answer",
  "+15005550500": "failed",
};
const SIP_CODES: Record<string, string> = { completed: "200", busy: "486", "no-answer": "487", failed: "500", canceled: "487" };
const MAGIC_TO: Record<string, [number, string]> = {
  "+15005550001": [21217, "Phone number +15005550001 is not a valid phone number"],
  "+15005550002": [21214, "'To' phone number +15005550002 cannot be reached"],
  "+15005550003": [21215, "Account not authorized to call +15005550003 (geo permissions)"],
  "+15005550004": [21216, "Account not allowed to call +15005550004 (blocked)"],
};
const MAX_REDIRECTS = 20;
/** Simulated length of a recording and of an answered `<Dial>` leg, in seconds. */
const RECORDING_SEC = 5;
const DIAL_TALK_SEC = 10;

function keysOf(doc: CallDoc) {
  return { account_sid: doc.account_sid, parent_sid: doc.parent_call_sid, key1: doc.to, key2: doc.from, date_ms: doc._startMs ?? null };
}

function save(ctx: Context, doc: CallDoc): void {
  ctx.store.update("call", doc, keysOf(doc));
}

function isEndpoint(value: string): boolean {
  return isE164(value) || /^(client|sip):.+/.test(value);
}

interface NewCall {
  accountSid: string;
  to: string;
  from: string;
  direction: string;
  url?: string | null;
  method?: string;
  fallbackUrl?: string | null;
  fallbackMethod?: string;
  twiml?: string | null;
  statusCallback?: string | null;
  statusCallbackMethod?: string;
  events?: string[];
  timeoutSec?: number;
  parentCallSid?: string | null;
  phoneNumberSid?: string | null;
  status: CallStatus;
}

function insertCall(ctx: Context, input: NewCall): CallDoc {
  const sid = ctx.sid("CA");
  const now = rfc2822(ctx.clock.now());
  const base = `/2010-04-01/Accounts/${input.accountSid}/Calls/${sid}`;
  const doc: CallDoc = {
    sid,
    date_created: now,
    date_updated: now,
    parent_call_sid: input.parentCallSid ?? null,
    account_sid: input.accountSid,
    to: input.to,
    to_formatted: formatNumber(input.to),
    from: input.from,
    from_formatted: formatNumber(input.from),
    phone_number_sid: input.phoneNumberSid ?? null,
    status: input.status,
    start_time: null,
    end_time: null,
    duration: null,
    price: null,
    price_unit: "USD",
    direction: input.direction,
    answered_by: null,
    api_version: "2010-04-01",
    forwarded_from: null,
    group_sid: null,
    caller_name: null,
    queue_time: "0",
    trunk_sid: null,
    uri: `${base}.json`,
    subresource_uris: {
      feedback: `${base}/Feedback.json`,
      user_defined_messages: `${base}/UserDefinedMessages.json`,
      notifications: `${base}/Notifications.json`,
      recordings: `${base}/Recordings.json`,
      streams: `${base}/Streams.json`,
      payments: `${base}/Payments.json`,
      user_defined_message_subscriptions: `${base}/UserDefinedMessageSubscriptions.json`,
      siprec: `${base}/Siprec.json`,
      events: `${base}/Events.json`,
      feedback_summaries: `/2010-04-01/Accounts/${input.accountSid}/Calls/FeedbackSummary.json`,
      transcriptions: `${base}/Transcriptions.json`,
    },
    _url: input.url ?? null,
    _method: (input.method ?? "POST").toUpperCase(),
    _fallbackUrl: input.fallbackUrl ?? null,
    _fallbackMethod: (input.fallbackMethod ?? "POST").toUpperCase(),
    _twiml: input.twiml ?? null,
    _cb: input.statusCallback ?? null,
    _cbMethod: (input.statusCallbackMethod ?? "POST").toUpperCase(),
    _events: input.events ?? ["completed"],
    _timeoutSec: input.timeoutSec ?? 60,
    _outcome: OUTCOME_RULES[bareNumber(input.to)] ?? "answer",
    _answeredMs: null,
    _startMs: null,
    _program: [],
    _docUrl: input.url ?? null,
    _gather: null,
    _pendingDigits: "",
    _pendingSpeech: null,
    _transcript: [],
    _gen: 0,
    _seq: 0,
  };
  ctx.store.insert("call", doc, keysOf(doc));
  ctx.events.emit({ type: "call.created", at: ctx.clock.now(), sid, status: doc.status, direction: doc.direction, to: doc.to, from: doc.from, accountSid: doc.account_sid });
  return doc;
}

function load(ctx: Context, sid: string): CallDoc | undefined {
  return ctx.store.get<CallDoc>("call", sid);
}

function callParams(doc: CallDoc, status: string = doc.status): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: doc.account_sid,
    ApiVersion: "2010-04-01",
    CallSid: doc.sid,
    CallStatus: status,
    Called: doc.to,
    Caller: doc.from,
    Direction: doc.direction,
    From: doc.from,
    To: doc.to,
  };
  for (const [prefix, number] of [["From", doc.from], ["To", doc.to], ["Caller", doc.from], ["Called", doc.to]] as const) {
    params[`${prefix}City`] = "";
    params[`${prefix}State`] = "";
    params[`${prefix}Zip`] = "";
    params[`${prefix}Country`] = bareNumber(number).startsWith("+1") ? "US" : "";
  }
  if (doc.parent_call_sid) params.ParentCallSid = doc.parent_call_sid;
  return params;
}

function setStatus(ctx: Context, doc: CallDoc, status: CallStatus): void {
  doc.status = status;
  doc.date_updated = rfc2822(ctx.clock.now());
  save(ctx, doc);
  ctx.events.emit({ type: "call.status", at: ctx.clock.now(), sid: doc.sid, status, to: doc.to, from: doc.from, direction: doc.direction, accountSid: doc.account_sid });
}

// event: initiated | ringing | answered | completed (completed also carries busy/no-answer/failed/canceled)
async function statusCallback(ctx: Context, doc: CallDoc, event: string): Promise<void> {
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
async function finish(ctx: Context, doc: CallDoc, status: CallStatus): Promise<void> {
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
}

/** Runs a `call` job: initiate → ring → answer (or busy / no-answer / failed). */
async function progress(ctx: Context, doc: CallDoc, step: string): Promise<void> {
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

function answer(ctx: Context, doc: CallDoc): void {
  const nowMs = ctx.clock.now();
  doc._answeredMs = nowMs;
  doc._startMs = nowMs;
  doc.start_time = rfc2822(nowMs);
  setStatus(ctx, doc, "in-progress");
}

/** Fetches TwiML for a call (Url, Redirect, Gather/Record/Dial action) and runs it. */
async function fetchDocument(
  ctx: Context,
  doc: CallDoc,
  url: string,
  method: string,
  extra: Record<string, string>,
  fallbackUrl: string | null = null,
  fallbackMethod = "POST",
  depth = 0,
): Promise<void> {
  const gen = doc._gen;
  const delivery = await ctx.send({
    kind: "voice",
    ref: doc.sid,
    accountSid: doc.account_sid,
    authToken: ctx.authTokenOf(doc.account_sid),
    url,
    method,
    params: { ...callParams(doc), ...extra },
  });
  const fresh = load(ctx, doc.sid);
  // the call was hung up or redirected while we waited: this answer is stale
  if (!fresh || FINAL.has(fresh.status) || fresh._gen !== gen) return;
  const failure = deliveryFailure(delivery) ?? (isXmlContentType(delivery.contentType) ? undefined : { code: 12300, text: `Invalid Content-Type: ${delivery.contentType ?? "(none)"}` });
  if (failure) {
    raiseAlert(ctx, fresh.account_sid, failure.code, failure.text, fresh.sid, delivery);
    if (fallbackUrl) return fetchDocument(ctx, fresh, fallbackUrl, fallbackMethod, extra, null, "POST", depth);
    return applicationError(ctx, fresh);
  }
  await runDocument(ctx, fresh, delivery.body, url, depth);
}

async function applicationError(ctx: Context, doc: CallDoc): Promise<void> {
  doc._transcript.push({ at: ctx.clock.now(), verb: "Say", text: "We are sorry, an application error has occurred. Goodbye.", note: "application error" });
  save(ctx, doc);
  await finish(ctx, doc, doc._answeredMs === null ? "failed" : "completed");
}

async function runDocument(ctx: Context, doc: CallDoc, xml: string, docUrl: string | null, depth = 0): Promise<void> {
  let root: TwimlNode;
  try {
    root = parseTwiml(xml);
  } catch (error) {
    if (!(error instanceof TwimlParseError)) throw error;
    raiseAlert(ctx, doc.account_sid, 12100, `Document parse failure: ${error.message}`, doc.sid);
    return applicationError(ctx, doc);
  }
  doc._gen++;
  doc._program = root.children;
  doc._docUrl = docUrl;
  doc._gather = null;
  save(ctx, doc);
  await step(ctx, doc, depth);
}

function words(text: string): number {
  return text.trim().split(/\s+/).filter(Boolean).length;
}

function loopCount(value: string | undefined): number {
  const n = Number(value ?? 1);
  // loop="0" repeats until hang-up; once is what a transcript can show
  return Number.isInteger(n) && n > 0 ? Math.min(n, 100) : 1;
}

function later(ctx: Context, doc: CallDoc, seconds: number, kind: string, data: Record<string, unknown> = {}): void {
  ctx.clock.schedule(Math.round(seconds * 1000), kind, doc.sid, { gen: doc._gen, ...data });
}

/** Executes verbs until one takes time (then a job resumes it) or the document ends. */
async function step(ctx: Context, doc: CallDoc, depth = 0): Promise<void> {
  const heard = (entry: Omit<TranscriptEntry, "at">) => {
    const full = { at: ctx.clock.now(), ...entry };
    doc._transcript.push(full);
    ctx.events.emit({ type: "call.transcript", at: full.at, sid: doc.sid, entry: full });
  };
  while (doc._program.length) {
    const verb = doc._program.shift()!;
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
      case "Gather":
        return startGather(ctx, doc, verb, heard);
      case "Redirect": {
        const target = resolveUrl(verb.text.trim(), doc._docUrl ?? "http://invalid.invalid/");
        if (!target || depth >= MAX_REDIRECTS) {
          raiseAlert(ctx, doc.account_sid, 12200, `<Redirect> to ${JSON.stringify(verb.text)} cannot be followed`, doc.sid);
          return applicationError(ctx, doc);
        }
        heard({ verb: "Redirect", url: target });
        save(ctx, doc);
        return fetchDocument(ctx, doc, target, a.method ?? "POST", {}, null, "POST", depth + 1);
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
      case "Record": {
        heard({ verb: "Record", note: a.playBeep === "false" ? undefined : "beep" });
        save(ctx, doc);
        const maxLength = Number(a.maxLength ?? 3600);
        const seconds = Math.min(RECORDING_SEC, Number.isFinite(maxLength) && maxLength > 0 ? maxLength : RECORDING_SEC);
        later(ctx, doc, seconds, "vrecord", { seconds, action: a.action ?? null, method: a.method ?? "POST" });
        return;
      }
      case "Dial":
        return startDial(ctx, doc, verb, heard);
      default:
        heard({ verb: verb.type, note: "not emulated" });
        raiseAlert(ctx, doc.account_sid, 12200, `<${verb.type}> is not emulated by the sandbox: skipped`, doc.sid, undefined, "warning");
    }
  }
  // falling off the end of the document hangs up
  await finish(ctx, doc, "completed");
}

function startGather(ctx: Context, doc: CallDoc, verb: TwimlNode, heard: (entry: Omit<TranscriptEntry, "at">) => void): Promise<void> | void {
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

async function completeGather(ctx: Context, doc: CallDoc, input: { digits?: string; speech?: string; timedOut?: boolean }): Promise<void> {
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

function startDial(ctx: Context, doc: CallDoc, verb: TwimlNode, heard: (entry: Omit<TranscriptEntry, "at">) => void): void {
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

async function endDial(ctx: Context, doc: CallDoc, data: { child: string; status: string; talkSec: number; ringSec: number; action: string | null; method: string }): Promise<void> {
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

async function endRecord(ctx: Context, doc: CallDoc, data: { seconds: number; action: string | null; method: string }): Promise<void> {
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

/** Runs the voice jobs of the clock: `call` (progress), `vstep`, `vgather`, `vrecord`, `vdial`. */
export function runCallJob(ctx: Context, job: Job): Promise<void> | void {
  const doc = load(ctx, job.ref);
  if (!doc || FINAL.has(doc.status)) return;
  const data = (job.data ? JSON.parse(job.data) : {}) as Record<string, unknown>;
  if (job.kind === "call") return progress(ctx, doc, String(data.step));
  // interpreter jobs belong to one document generation; a newer document makes them stale
  if (data.gen !== doc._gen) return;
  if (job.kind === "vstep") return step(ctx, doc);
  if (job.kind === "vgather" && doc._gather) return completeGather(ctx, doc, { timedOut: true });
  if (job.kind === "vrecord") return endRecord(ctx, doc, data as never);
  if (job.kind === "vdial") return endDial(ctx, doc, data as never);
}

function ownedCall(ctx: Context, accountSid: string, sid: string, rawPath: string): CallDoc {
  const doc = load(ctx, sid);
  if (!doc || doc.account_sid !== accountSid) throw notFound(rawPath);
  return doc;
}

function parseInlineTwiml(twiml: string): void {
  try {
    parseTwiml(twiml);
  } catch (error) {
    if (error instanceof TwimlParseError) throw badRequest(INVALID_PARAMETER, `Twiml is not valid TwiML: ${error.message}`);
    throw error;
  }
}

const EVENTS = new Set(["initiated", "ringing", "answered", "completed"]);

export const callHandlers: Record<string, Handler> = {
  CreateCall({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const to = first(params, "To");
    const from = first(params, "From");
    const url = first(params, "Url");
    const twiml = first(params, "Twiml");
    if (!to) throw badRequest(21201, "No 'To' number is specified");
    if (!from) throw badRequest(21213, "No 'From' number is specified");
    if (!url && !twiml && !first(params, "ApplicationSid")) throw badRequest(21205, "A 'Url', 'Twiml' or 'ApplicationSid' parameter is required");
    if (first(params, "ApplicationSid") && !url && !twiml) throw new SandboxHttpError(400, 21218, "Applications are not emulated by the sandbox: pass Url or Twiml");
    const magic = MAGIC_TO[to];
    if (magic) throw badRequest(magic[0], magic[1]);
    if (!isEndpoint(to)) throw badRequest(21217, `Phone number ${to} is not a valid phone number`);
    if (from === "+15005550001") throw badRequest(21212, "Invalid 'From' phone number +15005550001");
    if (from !== "+15005550006" && !from.startsWith("client:")) {
      const owned = findNumber(ctx, from);
      if (!owned || owned.account_sid !== account.sid) throw badRequest(21210, `The source phone number provided, ${from}, is not yet verified for your account.`);
    }
    if (twiml) parseInlineTwiml(twiml);
    const events = (params.StatusCallbackEvent ?? []).flatMap((value) => value.split(/[\s,]+/)).filter(Boolean);
    for (const event of events) if (!EVENTS.has(event)) throw badRequest(INVALID_PARAMETER, `Invalid StatusCallbackEvent: ${event}`);
    const timeout = first(params, "Timeout");
    const doc = insertCall(ctx, {
      accountSid: account.sid,
      to,
      from,
      direction: "outbound-api",
      url: url ?? null,
      method: first(params, "Method"),
      fallbackUrl: first(params, "FallbackUrl") ?? null,
      fallbackMethod: first(params, "FallbackMethod"),
      twiml: twiml ?? null,
      statusCallback: first(params, "StatusCallback") ?? null,
      statusCallbackMethod: first(params, "StatusCallbackMethod"),
      events: events.length ? events : ["completed"],
      timeoutSec: timeout === undefined ? 60 : Math.min(600, Math.max(5, Number(timeout))),
      status: "queued",
    });
    ctx.clock.schedule(0, "call", doc.sid, { step: "initiate" });
    return { status: 201, body: toWire(doc) };
  },
  ListCall({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const filters: Record<string, string> = {};
    for (const name of ["To", "From", "ParentCallSid", "Status"]) {
      const value = first(params, name);
      if (value !== undefined) filters[name] = value;
    }
    const body = pageOf(ctx.store, params, {
      kind: "call",
      path: `/2010-04-01/Accounts/${account.sid}/Calls.json`,
      listKey: "calls",
      filters,
      query: {
        accountSid: account.sid,
        key1: filters.To,
        key2: filters.From,
        parentSid: filters.ParentCallSid,
        fields: filters.Status ? { status: filters.Status } : undefined,
        order: "desc",
      },
    });
    return { status: 200, body };
  },
  FetchCall({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    return { status: 200, body: toWire(ownedCall(ctx, account.sid, path.Sid!, rawPath)) };
  },
  async UpdateCall({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ownedCall(ctx, account.sid, path.Sid!, rawPath);
    const status = first(params, "Status");
    const url = first(params, "Url");
    const twiml = first(params, "Twiml");
    if (twiml) parseInlineTwiml(twiml);
    const cb = first(params, "StatusCallback");
    if (cb !== undefined) doc._cb = cb || null;
    if (FINAL.has(doc.status)) {
      if (status || url || twiml) throw badRequest(21220, `Call ${doc.sid} is not in-progress. Cannot redirect.`);
      return { status: 200, body: toWire(doc) };
    }
    if (status === "canceled" || status === "completed") {
      // a call that never connected is canceled; a connected one completes
      await finish(ctx, doc, doc._answeredMs === null ? "canceled" : status === "completed" ? "completed" : doc.status);
      return { status: 200, body: toWire(load(ctx, doc.sid)!) };
    }
    if (url || twiml) {
      if (doc._answeredMs === null) {
        doc._url = url ?? doc._url;
        doc._twiml = twiml ?? null;
        doc._method = (first(params, "Method") ?? doc._method).toUpperCase();
        save(ctx, doc);
      } else {
        ctx.clock.cancel(doc.sid);
        doc._gen++;
        doc._gather = null;
        save(ctx, doc);
        // the new document runs in the background; the API answers at once as Twilio does
        const run = twiml ? runDocument(ctx, doc, twiml, doc._docUrl) : fetchDocument(ctx, doc, url!, first(params, "Method") ?? "POST", {});
        run.catch(() => undefined);
      }
    }
    return { status: 200, body: toWire(load(ctx, doc.sid)!) };
  },
  DeleteCall({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ownedCall(ctx, account.sid, path.Sid!, rawPath);
    if (!FINAL.has(doc.status)) throw badRequest(INVALID_PARAMETER, `Call ${doc.sid} is ${doc.status}: only ended calls can be deleted`);
    ctx.store.remove("call", doc.sid);
    return { status: 204 };
  },
  ListRecording({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const callSid = first(params, "CallSid");
    const filters: Record<string, string> = callSid ? { CallSid: callSid } : {};
    const body = pageOf(ctx.store, params, {
      kind: "recording",
      path: `/2010-04-01/Accounts/${account.sid}/Recordings.json`,
      listKey: "recordings",
      filters,
      query: { accountSid: account.sid, parentSid: callSid, order: "desc" },
    });
    return { status: 200, body };
  },
  ListCallRecording({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const call = ownedCall(ctx, account.sid, path.CallSid!, rawPath);
    const body = pageOf(ctx.store, params, {
      kind: "recording",
      path: `/2010-04-01/Accounts/${account.sid}/Calls/${call.sid}/Recordings.json`,
      listKey: "recordings",
      filters: {},
      query: { accountSid: account.sid, parentSid: call.sid, order: "desc" },
    });
    return { status: 200, body };
  },
  FetchRecording({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ctx.store.get("recording", path.Sid!);
    if (!doc || doc.account_sid !== account.sid) throw notFound(rawPath);
    return { status: 200, body: toWire(doc) };
  },
  FetchCallRecording({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ctx.store.get("recording", path.Sid!);
    if (!doc || doc.account_sid !== account.sid || doc.call_sid !== path.CallSid) throw notFound(rawPath);
    return { status: 200, body: toWire(doc) };
  },
  DeleteRecording({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ctx.store.get("recording", path.Sid!);
    if (!doc || doc.account_sid !== account.sid) throw notFound(rawPath);
    ctx.store.remove("recording", doc.sid);
    return { status: 204 };
  },
};

/** An inbound call as the control API and `inboundCall()` take it. */
export interface InboundCall {
  from: string;
  to: string;
}

/**
 * Rings an owned number from any caller: fetches its VoiceUrl with `CallStatus=ringing` and runs the
 * TwiML (a leading `<Reject>` leaves the call unanswered). Resolves once the first document ran.
 * @throws SandboxHttpError 404 when `to` is not owned, 400 when it has no VoiceUrl
 */
export async function deliverInboundCall(ctx: Context, input: InboundCall): Promise<Record<string, unknown>> {
  if (typeof input.from !== "string" || !input.from) throw badRequest(21213, "A 'From' is required.");
  if (typeof input.to !== "string" || !input.to) throw badRequest(21201, "A 'To' is required.");
  const number = findNumber(ctx, bareNumber(input.to));
  if (!number) throw new SandboxHttpError(404, 20404, `${input.to} is not a number owned by any sandbox account`);
  if (!number.voice_url) throw badRequest(INVALID_PARAMETER, `${input.to} has no VoiceUrl`);
  const doc = insertCall(ctx, {
    accountSid: number.account_sid,
    to: input.to,
    from: input.from,
    direction: "inbound",
    url: number.voice_url,
    method: number.voice_method,
    fallbackUrl: number.voice_fallback_url,
    fallbackMethod: number.voice_fallback_method,
    statusCallback: number.status_callback || null,
    statusCallbackMethod: number.status_callback_method,
    phoneNumberSid: number.sid,
    status: "ringing",
  });
  const gen = doc._gen;
  const delivery = await ctx.send({ kind: "voice", ref: doc.sid, accountSid: doc.account_sid, authToken: ctx.authTokenOf(doc.account_sid), url: doc._url!, method: doc._method, params: callParams(doc, "ringing") });
  const fresh = load(ctx, doc.sid)!;
  if (FINAL.has(fresh.status) || fresh._gen !== gen) return toWire(fresh);
  const failure = deliveryFailure(delivery) ?? (isXmlContentType(delivery.contentType) ? undefined : { code: 12300, text: `Invalid Content-Type: ${delivery.contentType ?? "(none)"}` });
  if (failure) {
    raiseAlert(ctx, fresh.account_sid, failure.code, failure.text, fresh.sid, delivery);
    if (fresh._fallbackUrl) {
      answer(ctx, fresh);
      await fetchDocument(ctx, fresh, fresh._fallbackUrl, fresh._fallbackMethod, {});
    } else {
      await applicationError(ctx, fresh);
    }
    return toWire(load(ctx, doc.sid)!);
  }
  let root: TwimlNode | undefined;
  try {
    root = parseTwiml(delivery.body);
  } catch {
    root = undefined;
  }
  // a leading <Reject> never answers the call
  if (root?.children[0]?.type !== "Reject") answer(ctx, fresh);
  await runDocument(ctx, fresh, delivery.body, fresh._url);
  return toWire(load(ctx, doc.sid)!);
}

/** Sends DTMF digits to a call (consumed by the active `<Gather>`, or buffered for the next one). */
export async function sendDigits(ctx: Context, sid: string, digits: string): Promise<void> {
  const doc = activeCall(ctx, sid);
  if (typeof digits !== "string" || !/^[0-9*#wW]+$/.test(digits)) throw badRequest(INVALID_PARAMETER, "Digits must be made of 0-9, *, # and w");
  if (doc._gather && doc._gather.input.includes("dtmf")) return completeGather(ctx, doc, { digits });
  doc._pendingDigits += digits;
  save(ctx, doc);
}

/** Sends a speech result to a call's `<Gather input="speech">`. */
export async function sendSpeech(ctx: Context, sid: string, speech: string): Promise<void> {
  const doc = activeCall(ctx, sid);
  if (typeof speech !== "string" || !speech) throw badRequest(INVALID_PARAMETER, "SpeechResult must be a non-empty string");
  if (doc._gather && doc._gather.input.includes("speech")) return completeGather(ctx, doc, { speech });
  doc._pendingSpeech = speech;
  save(ctx, doc);
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

function activeCall(ctx: Context, sid: string): CallDoc {
  const doc = load(ctx, sid);
  if (!doc) throw new SandboxHttpError(404, 20404, `Call ${sid} was not found`);
  if (FINAL.has(doc.status)) throw new SandboxHttpError(409, 21220, `Call ${sid} is already ${doc.status}`);
  return doc;
}

/** The transcript of a call: what the caller heard, pressed and said. */
export function transcriptOf(ctx: Context, sid: string): { sid: string; status: string; transcript: TranscriptEntry[] } {
  const doc = load(ctx, sid);
  if (!doc) throw new SandboxHttpError(404, 20404, `Call ${sid} was not found`);
  return { sid: doc.sid, status: doc.status, transcript: doc._transcript };
}
