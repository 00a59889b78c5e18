// The stored call: its document, the simulated outcomes, and the parameters every voice webhook carries.
import type { TwimlNode } from "@twilio-kit/twiml";
import type { Context } from "../engine/context.js";
import type { Doc } from "../engine/store.js";
import { bareNumber, formatNumber, rfc2822 } from "../engine/util.js";
import { SandboxHttpError } from "../http/errors.js";
import { keyColumns } from "../engine/keys.js";

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

export interface GatherState {
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

/** Statuses a call never leaves. */
export const FINAL: ReadonlySet<string> = new Set(["completed", "busy", "failed", "no-answer", "canceled"]);
/** Destinations with a simulated outcome; the last digits are the SIP response code. */
export const OUTCOME_RULES: Record<string, CallDoc["_outcome"]> = {
  "+15005550486": "busy",
  "+15005550408": "no-answer",
  "+15005550500": "failed",
};
/** The `SipResponseCode` of each final status. */
export const SIP_CODES: Record<string, string> = { completed: "200", busy: "486", "no-answer": "487", failed: "500", canceled: "487" };

/** Indexed columns of a call: owner, parent call, To, From and start time. */
export function keysOf(doc: CallDoc) {
  return { account_sid: doc.account_sid, parent_sid: doc.parent_call_sid, ...keyColumns("call", { to: doc.to, from: doc.from }), date_ms: doc._startMs ?? null };
}

/** Stores a changed call. */
export function save(ctx: Context, doc: CallDoc): void {
  ctx.store.update("call", doc, keysOf(doc));
}

export interface NewCall {
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
  /** The TwiML App answering the call (its SID goes into every voice webhook). */
  applicationSid?: string | null;
  status: CallStatus;
}

/** Stores a new call and emits `call.created`. */
export function insertCall(ctx: Context, input: NewCall): CallDoc {
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
    _applicationSid: input.applicationSid ?? null,
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

/** A stored call, or undefined. */
export function load(ctx: Context, sid: string): CallDoc | undefined {
  return ctx.store.get<CallDoc>("call", sid);
}

/** The parameters every voice webhook of a call carries (with geo fields). */
export function callParams(doc: CallDoc, status: string = doc.status): Record<string, string> {
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
  if (typeof doc._applicationSid === "string") params.ApplicationSid = doc._applicationSid;
  return params;
}

/**
 * A call that has not ended yet (control API).
 * @throws SandboxHttpError 404 for an unknown SID, 409 (21220) for an ended call
 */
export function activeCall(ctx: Context, sid: string): CallDoc {
  const doc = load(ctx, sid);
  if (!doc) throw new SandboxHttpError(404, 20404, `Call ${sid} was not found`);
  if (FINAL.has(doc.status)) throw new SandboxHttpError(409, 21220, `Call ${sid} is already ${doc.status}`);
  return doc;
}

/** Whether a call is still running the document generation `gen` (not ended, not redirected since). */
export function isLive(ctx: Context, sid: string, gen: number): boolean {
  const doc = load(ctx, sid);
  return doc !== undefined && !FINAL.has(doc.status) && doc._gen === gen;
}
