// Messages: validation as Twilio does it, the lifecycle on the virtual clock, status callbacks,
// Media, inbound SMS/MMS to a number's SmsUrl and the execution of the MessagingResponse reply.
import { assertAccess } from "../accounts/api.js";
import { deliveryFailure, isXmlContentType, raiseAlert } from "../outbound/alerts.js";
import type { Context } from "../engine/context.js";
import { pageOf, toWire } from "../engine/context.js";
import { badRequest, INVALID_PARAMETER, notFound, SandboxHttpError } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import { findService, senderOf, serviceOfNumber } from "../messaging-services/api.js";
import { findNumber } from "../numbers/api.js";
import { segment } from "./segments.js";
import type { Notice } from "../engine/notices.js";
import type { Doc, Job } from "../engine/store.js";
import { parseTwiml, TwimlParseError, type TwimlNode } from "@twilio-kit/twiml";
import { bareNumber, first, isE164, isHttpUrl, mediaContentType, rfc2822 } from "../engine/util.js";
import type { WebhookDelivery } from "../outbound/webhook.js";

/** Message statuses (OAI `message_enum_status`). */
export type MessageStatus =
  | "queued"
  | "sending"
  | "sent"
  | "failed"
  | "delivered"
  | "undelivered"
  | "receiving"
  | "received"
  | "accepted"
  | "scheduled"
  | "read"
  | "partially_delivered"
  | "canceled";

/**
 * A stored message: the wire fields that vary (the rest, like `uri` and `api_version`, are derived by
 * `wireMessage`) and internal `_` fields.
 */
export interface MessageDoc extends Doc {
  account_sid: string;
  body: string;
  to: string;
  from: string;
  status: MessageStatus;
  direction: "inbound" | "outbound-api" | "outbound-call" | "outbound-reply";
  date_created: string;
  date_updated: string;
  date_sent: string | null;
  error_code: number | null;
  error_message: string | null;
  price: string | null;
  num_segments: string;
  num_media: string;
  /** Set only for messages of a Messaging Service (absent means null on the wire). */
  messaging_service_sid?: string;
  _cb: string | null;
  _cbMethod: string;
  /** Final outcome chosen at creation: `delivered`, or a failure with its 30xxx code. */
  _outcome: { status: "delivered" | "undelivered" | "failed"; code: number | null };
  _sentMs: number | null;
  /** The lifecycle's steps still ahead, in time order: the status is computed from them on read. */
  _plan: Step[];
  /** Generation of the plan: a re-plan increments it. */
  _gen: number;
}

/** A planned status change: at virtual time `at` (ms) the message becomes `status`. */
type Step = [at: number, status: MessageStatus];

/** `+1…30003` style destinations fail after sending, with the code in their last five digits. */
const FAILURE_RULES: Record<string, { status: "undelivered" | "failed"; message: string }> = {
  "30003": { status: "undelivered", message: "Unreachable destination handset" },
  "30004": { status: "undelivered", message: "Message blocked" },
  "30005": { status: "undelivered", message: "Unknown destination handset" },
  "30006": { status: "undelivered", message: "Landline or unreachable carrier" },
  "30007": { status: "undelivered", message: "Message filtered" },
  "30008": { status: "failed", message: "Unknown error" },
};
const ERROR_MESSAGES: Record<number, string> = Object.fromEntries(
  Object.entries(FAILURE_RULES).map(([code, rule]) => [Number(code), rule.message]),
);

const FINAL: ReadonlySet<string> = new Set(["delivered", "undelivered", "failed", "received", "canceled", "read"]);
const IN_FLIGHT: ReadonlySet<string> = new Set(["queued", "sending", "accepted", "scheduled"]);
const CALLBACK_STATUSES: ReadonlySet<string> = new Set(["sent", "delivered", "undelivered", "failed", "canceled"]);
const STOP_WORDS = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"]);
const START_WORDS = new Set(["START", "YES", "UNSTOP"]);
const MAX_REDIRECTS = 10;

// The indexed date is the sent date, known in advance from the plan: `DateSent` filters clamp to now.
function sentMsOf(doc: MessageDoc): number | null {
  if (doc._sentMs !== null) return doc._sentMs;
  const step = doc._plan.find(([, status]) => status === "sent" || status === "delivered" || status === "undelivered");
  return step ? step[0] : null;
}

function keysOf(doc: MessageDoc) {
  return { account_sid: doc.account_sid, key1: doc.to, key2: doc.from, date_ms: sentMsOf(doc) };
}

// owner, To and From never change after creation: only the data and the sent date are rewritten
function save(ctx: Context, doc: MessageDoc): void {
  ctx.store.updateData("message", doc, sentMsOf(doc));
}

function priceOf(doc: MessageDoc): string {
  const perSegment = Number(doc.num_media) > 0 ? 0.02 : 0.0079;
  return (-perSegment * Math.max(1, Number(doc.num_segments))).toFixed(5);
}

function optOutKey(from: string, to: string): string {
  return `optout:${bareNumber(from)}:${bareNumber(to)}`;
}

/** Everything needed to create a message (API create, TwiML `<Message>`, inbound). */
interface NewMessage {
  accountSid: string;
  to: string;
  from: string;
  body: string;
  mediaUrls: string[];
  direction: MessageDoc["direction"];
  statusCallback: string | null;
  statusCallbackMethod?: string;
  sendAtMs?: number;
  /** Sent through (or received by a number of) this Messaging Service. */
  messagingServiceSid?: string;
}

function insertMessage(ctx: Context, input: NewMessage): MessageDoc {
  const hasMedia = input.mediaUrls.length > 0;
  const sid = ctx.sid(hasMedia ? "MM" : "SM");
  const nowMs = ctx.clock.now();
  const now = rfc2822(nowMs);
  const isInbound = input.direction === "inbound";
  const base = `/2010-04-01/Accounts/${input.accountSid}/Messages/${sid}`;
  const rule = isInbound ? undefined : FAILURE_RULES[bareNumber(input.to).slice(-5)];
  const doc: MessageDoc = {
    sid,
    account_sid: input.accountSid,
    body: input.body,
    to: input.to,
    from: input.from,
    status: isInbound ? "received" : input.sendAtMs !== undefined ? "scheduled" : input.messagingServiceSid !== undefined ? "accepted" : "queued",
    direction: input.direction,
    date_created: now,
    date_updated: now,
    date_sent: isInbound ? now : null,
    error_code: null,
    error_message: null,
    price: null,
    num_segments: String(hasMedia && !input.body ? 1 : segment(input.body).segments),
    num_media: String(input.mediaUrls.length),
    _cb: input.statusCallback,
    _cbMethod: (input.statusCallbackMethod ?? "POST").toUpperCase(),
    _outcome: rule ? { status: rule.status, code: Number(bareNumber(input.to).slice(-5)) } : { status: "delivered", code: null },
    _sentMs: isInbound ? nowMs : null,
    _plan: [],
    _gen: 0,
  };
  if (input.messagingServiceSid !== undefined) doc.messaging_service_sid = input.messagingServiceSid;
  if (!isInbound) doc._plan = stepsAfter(ctx, doc, doc.status, nowMs, input.sendAtMs);
  let seq = 0;
  const write = () => {
    seq = ctx.store.insert("message", doc, keysOf(doc));
    input.mediaUrls.forEach((url) => {
      const mediaSid = ctx.sid("ME");
      const media: Doc = {
        account_sid: input.accountSid,
        content_type: mediaContentType(url),
        date_created: now,
        date_updated: now,
        parent_sid: sid,
        sid: mediaSid,
        uri: `${base}/Media/${mediaSid}.json`,
        _url: url,
      };
      ctx.store.insert("media", media, { account_sid: input.accountSid, parent_sid: sid });
    });
    scheduleCallback(ctx, doc);
  };
  // one insert is atomic on its own: the savepoint is for media rows and the callback job
  if (hasMedia || doc._cb) ctx.store.transaction(write);
  else write();
  follow(ctx, doc, seq);
  ctx.events.emit({ type: "message.created", at: nowMs, sid, status: doc.status, direction: doc.direction, to: doc.to, from: doc.from, accountSid: doc.account_sid });
  return doc;
}

/**
 * The lifecycle ahead of a status, from `fromMs`: scheduled → queued → sending → sent → delivered
 * (accepted → queued 1 ms after creation through a Messaging Service),
 * or the failure chosen at creation (`failed` instead of `sent`, `undelivered` instead of `delivered`).
 */
function stepsAfter(ctx: Context, doc: MessageDoc, status: MessageStatus, fromMs: number, sendAtMs?: number): Step[] {
  const { sendingMs, sentMs, deliveredMs } = ctx.delays;
  const steps: Step[] = [];
  let at = fromMs;
  switch (status) {
    case "accepted":
    case "scheduled":
      at = status === "accepted" ? at + 1 : (sendAtMs ?? at);
      steps.push([at, "queued"]);
    // falls through
    case "queued":
      steps.push([(at += sendingMs), "sending"]);
    // falls through
    case "sending":
      if (doc._outcome.status === "failed") {
        steps.push([at + sentMs, "failed"]);
        break;
      }
      steps.push([(at += sentMs), "sent"]);
    // falls through
    case "sent":
      steps.push([at + deliveredMs, doc._outcome.status]);
      break;
    default:
      break;
  }
  return steps;
}

/** Sets the fields a status carries (sent date and price, error code), as of `atMs`. */
function applyStatus(doc: MessageDoc, status: MessageStatus, atMs: number, errorCode: number | null = null): void {
  doc.status = status;
  const stamp = rfc2822(atMs);
  doc.date_updated = stamp;
  if ((status === "sent" || status === "delivered" || status === "undelivered") && doc.date_sent === null) {
    doc.date_sent = stamp;
    doc._sentMs = atMs;
    doc.price = priceOf(doc);
  }
  if (status === "failed" || status === "undelivered") {
    doc.error_code = errorCode ?? doc._outcome.code ?? 30008;
    doc.error_message = ERROR_MESSAGES[doc.error_code] ?? null;
  }
}

/**
 * Brings a stored message to virtual time `untilMs` by applying its due steps (in memory: reads
 * never write). With `through`, stops after the step to that status at exactly `untilMs`.
 */
function settle(doc: MessageDoc, untilMs: number, through?: MessageStatus): MessageDoc {
  while (doc._plan.length > 0 && doc._plan[0]![0] <= untilMs) {
    const [at, status] = doc._plan.shift()!;
    applyStatus(doc, status, at);
    if (status === through && at === untilMs) break;
  }
  return doc;
}

/** The wire object of a stored message, in the field order of Twilio's responses. */
export function wireMessage(doc: MessageDoc): Record<string, unknown> {
  const base = `/2010-04-01/Accounts/${doc.account_sid}/Messages/${doc.sid}`;
  return {
    body: doc.body,
    num_segments: doc.num_segments,
    direction: doc.direction,
    from: doc.from,
    to: doc.to,
    date_updated: doc.date_updated,
    price: doc.price,
    error_message: doc.error_message,
    uri: `${base}.json`,
    account_sid: doc.account_sid,
    num_media: doc.num_media,
    status: doc.status,
    messaging_service_sid: doc.messaging_service_sid ?? null,
    sid: doc.sid,
    date_sent: doc.date_sent,
    date_created: doc.date_created,
    error_code: doc.error_code,
    price_unit: "USD",
    api_version: "2010-04-01",
    subresource_uris: { media: `${base}/Media.json`, feedback: `${base}/Feedback.json` },
  };
}

/** A message as it is now (its lifecycle applied), or undefined. */
export function loadMessage(ctx: Context, sid: string): MessageDoc | undefined {
  const doc = ctx.store.get<MessageDoc>("message", sid);
  return doc && settle(doc, ctx.clock.now());
}

/** A listed or stored message document as it is now. */
export function settleMessage(ctx: Context, doc: Doc): MessageDoc {
  return settle(doc as MessageDoc, ctx.clock.now());
}

// Statuses as small numbers, for notices (which carry numbers only).
const STATUSES: readonly MessageStatus[] = [
  "queued", "sending", "sent", "failed", "delivered", "undelivered", "receiving", "received", "accepted", "scheduled", "read", "partially_delivered", "canceled",
];
const TAG_BASE = 16;

/**
 * Follows a message's plan: a notice per step emits its `message.status` event. A notice carries
 * the plan's generation: a re-plan makes the earlier notices stale.
 */
function follow(ctx: Context, doc: MessageDoc, seq: number): void {
  for (const [at, status] of doc._plan) ctx.clock.notify(at, seq, doc._gen * TAG_BASE + STATUSES.indexOf(status));
}

/** Emits the `message.status` event of a planned step when its time comes (if anyone listens). */
export function runMessageNotice(ctx: Context, notice: Notice): void {
  if (!ctx.events.hasListeners()) return;
  const doc = ctx.store.bySeq<MessageDoc>("message", notice.ref);
  // deleted, or re-planned since (cancel, forced status)
  if (!doc || doc._gen !== Math.floor(notice.tag / TAG_BASE)) return;
  const status = STATUSES[notice.tag % TAG_BASE]!;
  settle(doc, notice.due, status);
  ctx.events.emit({ type: "message.status", at: notice.due, sid: doc.sid, status, errorCode: doc.error_code, to: doc.to, from: doc.from, direction: doc.direction, accountSid: doc.account_sid });
}

/** With a StatusCallback, one durable job at a time waits for the next step that Twilio calls back for. */
function scheduleCallback(ctx: Context, doc: MessageDoc): void {
  if (!doc._cb) return;
  const next = doc._plan.find(([, status]) => CALLBACK_STATUSES.has(status));
  if (next) ctx.clock.schedule(next[0] - ctx.clock.now(), "msg", doc.sid, { at: next[0], status: next[1] });
}

/** Moves a message to a status now (cancel, forced status): re-plans the rest, stores it, emits the event and sends the status callback. */
export function setMessageStatus(ctx: Context, doc: MessageDoc, status: MessageStatus, errorCode: number | null = null): Promise<void> | void {
  const nowMs = ctx.clock.now();
  applyStatus(doc, status, nowMs, errorCode);
  doc._plan = FINAL.has(status) ? [] : stepsAfter(ctx, doc, status, nowMs);
  doc._gen++;
  ctx.clock.cancel(doc.sid, "msg");
  scheduleCallback(ctx, doc);
  follow(ctx, doc, ctx.store.seqOf(doc.sid)!);
  save(ctx, doc);
  ctx.events.emit({ type: "message.status", at: nowMs, sid: doc.sid, status, errorCode: doc.error_code, to: doc.to, from: doc.from, direction: doc.direction, accountSid: doc.account_sid });
  // Twilio sends no callback for the initial status (queued/accepted/scheduled) nor for `sending`
  if (doc._cb && CALLBACK_STATUSES.has(status)) return sendStatusCallback(ctx, doc);
}

async function sendStatusCallback(ctx: Context, doc: MessageDoc): Promise<void> {
  const params: Record<string, string> = {
    AccountSid: doc.account_sid,
    ApiVersion: "2010-04-01",
    From: doc.from,
    MessageSid: doc.sid,
    MessageStatus: doc.status,
    SmsSid: doc.sid,
    SmsStatus: doc.status,
    To: doc.to,
  };
  if (doc.error_code !== null) params.ErrorCode = String(doc.error_code);
  if (doc.messaging_service_sid !== undefined) params.MessagingServiceSid = doc.messaging_service_sid;
  if (doc.status === "delivered" || doc.status === "undelivered") params.RawDlrDoneDate = rawDlrDate(ctx.clock.now());
  const delivery = await ctx.send({
    kind: "message-status",
    ref: doc.sid,
    accountSid: doc.account_sid,
    authToken: ctx.authTokenOf(doc.account_sid),
    url: doc._cb!,
    method: doc._cbMethod,
    params,
  });
  const failure = deliveryFailure(delivery);
  if (failure) raiseAlert(ctx, doc.account_sid, failure.code, `Status callback: ${failure.text}`, doc.sid, delivery, "warning");
}

function rawDlrDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}`;
}

/** A status callback job (`msg`): calls back with the message as of that step, then waits for the next one. */
export function runMessageJob(ctx: Context, job: Job): Promise<void> | void {
  const doc = ctx.store.get<MessageDoc>("message", job.ref);
  if (!doc || job.data === null) return;
  const step = JSON.parse(job.data) as { at: number; status: MessageStatus };
  settle(doc, step.at, step.status);
  if (doc.status !== step.status) return;
  scheduleCallback(ctx, doc);
  return sendStatusCallback(ctx, doc);
}

// Twilio's magic test numbers: the same inputs give the same errors as with test credentials.
const MAGIC_FROM: Record<string, [number, string]> = {
  "+15005550001": [21212, "The 'From' number +15005550001 is not a valid phone number, shortcode, or alphanumeric sender ID."],
  "+15005550007": [21606, "The 'From' phone number provided (+15005550007) is not a valid message-capable Twilio phone number for this destination/account."],
  "+15005550008": [21611, "This 'From' number has exceeded the maximum number of queued messages."],
};
const MAGIC_TO: Record<string, [number, string]> = {
  "+15005550001": [21211, "The 'To' number +15005550001 is not a valid phone number."],
  "+15005550002": [21612, "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number via SMS."],
  "+15005550003": [21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +15005550003."],
  "+15005550004": [21610, "Attempt to send to unsubscribed recipient"],
  "+15005550009": [21614, "'To' number is not a valid mobile number"],
};

function isAlphanumericSender(from: string): boolean {
  return /^[A-Za-z0-9 ]{1,11}$/.test(from) && /[A-Za-z]/.test(from);
}

/**
 * Twilio's business rules for a new outbound message, in Twilio's order. Returns the sender: `From`,
 * or the one a Messaging Service picked from its pool.
 */
function validateOutbound(ctx: Context, accountSid: string, to: string | undefined, from: string | undefined, body: string | undefined, mediaUrls: string[], params: Record<string, string[]>): string {
  if (!to) throw badRequest(21604, "A 'To' phone number is required.");
  const serviceSid = first(params, "MessagingServiceSid");
  if (!from && !serviceSid) throw badRequest(21603, "A 'From' phone number is required.");
  if (!body && mediaUrls.length === 0 && !first(params, "ContentSid")) throw badRequest(21602, "Message body is required.");
  if (serviceSid) from = senderOf(ctx, accountSid, serviceSid, to, from).from;
  const magicTo = MAGIC_TO[to];
  if (magicTo) throw badRequest(magicTo[0], magicTo[1]);
  if (!isE164(bareNumber(to))) throw badRequest(21211, `The 'To' number ${to} is not a valid phone number.`);
  const magicFrom = MAGIC_FROM[from!];
  if (magicFrom) throw badRequest(magicFrom[0], magicFrom[1]);
  if (from !== "+15005550006" && !isAlphanumericSender(from!)) {
    const owned = findNumber(ctx, bareNumber(from!));
    if (!owned || owned.account_sid !== accountSid) {
      throw badRequest(21606, `The 'From' phone number provided (${from}) is not a valid message-capable Twilio phone number for this destination/account.`);
    }
  }
  if (bareNumber(to) === bareNumber(from!)) throw badRequest(21266, "'To' and 'From' number cannot be the same");
  if (body && body.length > 1600) throw badRequest(21617, "The concatenated message body exceeds the 1600 character limit.");
  if (mediaUrls.length > 10) throw badRequest(21623, "Number of media files exceeds allowed limit of 10");
  for (const url of mediaUrls) if (!isHttpUrl(url)) throw badRequest(21620, `Invalid media URL(s): ${url}`);
  if (ctx.store.meta(optOutKey(from!, to))) throw badRequest(21610, "Attempt to send to unsubscribed recipient");
  return from!;
}

function parseSendAt(params: Record<string, string[]>, nowMs: number): number | undefined {
  const sendAt = first(params, "SendAt");
  const scheduleType = first(params, "ScheduleType");
  if (sendAt === undefined && scheduleType === undefined) return undefined;
  if (scheduleType !== "fixed") throw badRequest(35111, "ScheduleType must be 'fixed' when SendAt is set");
  if (sendAt === undefined) throw badRequest(35111, "SendAt is required when ScheduleType is set");
  const ms = Date.parse(sendAt);
  if (Number.isNaN(ms)) throw badRequest(35111, `SendAt ${JSON.stringify(sendAt)} is not an ISO 8601 date-time`);
  // Twilio's window: at least 15 minutes and at most 35 days ahead
  if (ms < nowMs + 15 * 60_000 || ms > nowMs + 35 * 86_400_000) {
    throw badRequest(35114, "SendAt must be between 15 minutes and 35 days in the future");
  }
  return ms;
}

function dateFilter(value: string, name: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest(INVALID_PARAMETER, `Invalid ${name}: ${JSON.stringify(value)} is not a date`);
  return ms;
}

function ownedMessage(ctx: Context, accountSid: string, sid: string, rawPath: string): MessageDoc {
  const doc = loadMessage(ctx, sid);
  if (!doc || doc.account_sid !== accountSid) throw notFound(rawPath);
  return doc;
}

export const messageHandlers: Record<string, Handler> = {
  CreateMessage({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const to = first(params, "To");
    const body = first(params, "Body") ?? "";
    const mediaUrls = params.MediaUrl ?? [];
    const from = validateOutbound(ctx, account.sid, to, first(params, "From"), body, mediaUrls, params);
    let statusCallback = first(params, "StatusCallback");
    // through a Messaging Service (validated above): its StatusCallback when the message has none
    const serviceSid = first(params, "MessagingServiceSid") || undefined;
    if (serviceSid !== undefined && !statusCallback) statusCallback = findService(ctx, account.sid, serviceSid)?.status_callback ?? undefined;
    const sendAtMs = parseSendAt(params, ctx.clock.now());
    const doc = insertMessage(ctx, {
      accountSid: account.sid,
      to: to!,
      from,
      body,
      mediaUrls,
      direction: "outbound-api",
      statusCallback: statusCallback || null,
      statusCallbackMethod: first(params, "StatusCallbackMethod"),
      sendAtMs,
      messagingServiceSid: serviceSid,
    });
    return { status: 201, body: wireMessage(doc) };
  },
  ListMessage({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const filters: Record<string, string> = {};
    for (const name of ["To", "From", "DateSent", "DateSent<", "DateSent>"]) {
      const value = first(params, name);
      if (value !== undefined) filters[name] = value;
    }
    let dateFrom: number | undefined;
    let dateTo: number | undefined;
    const day = 86_400_000;
    if (filters.DateSent !== undefined) {
      dateFrom = dateFilter(filters.DateSent, "DateSent");
      dateTo = /^\d{4}-\d{2}-\d{2}$/.test(filters.DateSent) ? dateFrom + day : dateFrom + 1000;
    }
    if (filters["DateSent>"] !== undefined) dateFrom = dateFilter(filters["DateSent>"], "DateSent>");
    if (filters["DateSent<"] !== undefined) {
      const value = filters["DateSent<"];
      dateTo = dateFilter(value, "DateSent<") + (/^\d{4}-\d{2}-\d{2}$/.test(value) ? day : 1000);
    }
    // the indexed sent date may be a planned one: a message counts as sent once that time has come
    const nowMs = ctx.clock.now();
    if (dateFrom !== undefined || dateTo !== undefined) dateTo = Math.min(dateTo ?? Number.MAX_SAFE_INTEGER, nowMs + 1);
    const body = pageOf(ctx.store, params, {
      kind: "message",
      path: `/2010-04-01/Accounts/${account.sid}/Messages.json`,
      listKey: "messages",
      filters,
      map: (doc) => wireMessage(settle(doc as MessageDoc, nowMs)),
      query: { accountSid: account.sid, key1: filters.To, key2: filters.From, dateFrom, dateTo, order: "desc" },
    });
    return { status: 200, body };
  },
  FetchMessage({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    return { status: 200, body: wireMessage(ownedMessage(ctx, account.sid, path.Sid!, rawPath)) };
  },
  async UpdateMessage({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ownedMessage(ctx, account.sid, path.Sid!, rawPath);
    const body = first(params, "Body");
    const status = first(params, "Status");
    if (status === "canceled") {
      if (doc.status !== "scheduled" && doc.status !== "accepted") {
        throw badRequest(INVALID_PARAMETER, `Message ${doc.sid} is ${doc.status}: only scheduled messages can be canceled`);
      }
      await setMessageStatus(ctx, doc, "canceled");
    }
    if (body !== undefined) {
      if (body !== "") throw badRequest(INVALID_PARAMETER, "Body can only be updated to an empty string (redaction)");
      if (IN_FLIGHT.has(doc.status)) throw badRequest(INVALID_PARAMETER, `Message ${doc.sid} is ${doc.status}: redact it once it is in a final state`);
      doc.body = "";
      doc.date_updated = rfc2822(ctx.clock.now());
      save(ctx, doc);
    }
    return { status: 200, body: wireMessage(doc) };
  },
  DeleteMessage({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ownedMessage(ctx, account.sid, path.Sid!, rawPath);
    if (IN_FLIGHT.has(doc.status)) throw badRequest(20009, `Cannot delete message ${doc.sid}: it is still ${doc.status}`);
    ctx.store.transaction(() => {
      ctx.store.remove("message", doc.sid);
      ctx.store.removeChildren("media", doc.sid);
      ctx.clock.cancel(doc.sid);
    });
    ctx.events.emit({ type: "message.deleted", at: ctx.clock.now(), sid: doc.sid });
    return { status: 204 };
  },
  ListMedia({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const message = ownedMessage(ctx, account.sid, path.MessageSid!, rawPath);
    const body = pageOf(ctx.store, params, {
      kind: "media",
      path: `/2010-04-01/Accounts/${account.sid}/Messages/${message.sid}/Media.json`,
      listKey: "media_list",
      filters: {},
      query: { accountSid: account.sid, parentSid: message.sid, order: "asc" },
    });
    return { status: 200, body };
  },
  FetchMedia({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const media = ctx.store.get("media", path.Sid!);
    if (!media || media.account_sid !== account.sid || media.parent_sid !== path.MessageSid) throw notFound(rawPath);
    return { status: 200, body: toWire(media) };
  },
  DeleteMedia({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const media = ctx.store.get("media", path.Sid!);
    if (!media || media.account_sid !== account.sid || media.parent_sid !== path.MessageSid) throw notFound(rawPath);
    ctx.store.remove("media", media.sid);
    return { status: 204 };
  },
};

/** An inbound SMS/MMS as the control API and `inboundSms()` take it. */
export interface InboundSms {
  from: string;
  to: string;
  body?: string;
  mediaUrls?: string[];
}

/** What happened to an inbound message: the stored message, the webhook deliveries and the replies. */
export interface InboundSmsResult {
  message: Record<string, unknown>;
  replies: Array<Record<string, unknown>>;
  deliveries: WebhookDelivery[];
}

function geo(prefix: "From" | "To", number: string): Record<string, string> {
  const isUs = bareNumber(number).startsWith("+1");
  return { [`${prefix}City`]: "", [`${prefix}State`]: "", [`${prefix}Zip`]: "", [`${prefix}Country`]: isUs ? "US" : "" };
}

/**
 * Delivers an SMS/MMS from any number to an owned number: stores it, calls the number's SmsUrl
 * (SmsFallbackUrl on failure) with Twilio's parameters and runs the MessagingResponse reply.
 * @throws SandboxHttpError 404 when `to` is not an owned number
 */
export async function deliverInboundSms(ctx: Context, input: InboundSms): Promise<InboundSmsResult> {
  if (typeof input.from !== "string" || !input.from) throw badRequest(21603, "A 'From' is required.");
  if (typeof input.to !== "string" || !input.to) throw badRequest(21604, "A 'To' is required.");
  const number = findNumber(ctx, bareNumber(input.to));
  if (!number) throw new SandboxHttpError(404, 20404, `${input.to} is not a number owned by any sandbox account`);
  const body = input.body ?? "";
  const mediaUrls = input.mediaUrls ?? [];
  if (typeof body !== "string" || !Array.isArray(mediaUrls) || mediaUrls.some((url) => typeof url !== "string")) {
    throw badRequest(INVALID_PARAMETER, "body must be a string and mediaUrls an array of strings");
  }
  const service = serviceOfNumber(ctx, number);
  const message = insertMessage(ctx, {
    accountSid: number.account_sid,
    to: input.to,
    from: input.from,
    body,
    mediaUrls,
    direction: "inbound",
    statusCallback: null,
    messagingServiceSid: service?.sid,
  });
  const keyword = body.trim().toUpperCase();
  if (STOP_WORDS.has(keyword)) ctx.store.setMeta(optOutKey(input.to, input.from), "1");
  else if (START_WORDS.has(keyword)) ctx.store.deleteMeta(optOutKey(input.to, input.from));

  const params: Record<string, string> = {
    ToCountry: "",
    ...geo("To", input.to),
    ...geo("From", input.from),
    SmsMessageSid: message.sid,
    NumMedia: message.num_media,
    SmsSid: message.sid,
    SmsStatus: "received",
    Body: body,
    To: input.to,
    NumSegments: message.num_segments,
    MessageSid: message.sid,
    AccountSid: number.account_sid,
    From: input.from,
    ApiVersion: "2010-04-01",
  };
  if (service) params.MessagingServiceSid = service.sid;
  mediaUrls.forEach((url, index) => {
    params[`MediaUrl${index}`] = url;
    params[`MediaContentType${index}`] = mediaContentType(url);
  });
  const result: InboundSmsResult = { message: wireMessage(message), replies: [], deliveries: [] };
  // a number in a Messaging Service answers with the service's webhooks, unless the service defers to
  // the number's (`use_inbound_webhook_on_number`) or has no InboundRequestUrl
  const targets: Array<[string, string]> = [];
  if (service && !service.use_inbound_webhook_on_number && service.inbound_request_url) {
    targets.push([service.inbound_request_url, service.inbound_method]);
    if (service.fallback_url) targets.push([service.fallback_url, service.fallback_method]);
  } else if (number.sms_url) {
    targets.push([number.sms_url, number.sms_method]);
    if (number.sms_fallback_url) targets.push([number.sms_fallback_url, number.sms_fallback_method]);
  }
  if (targets.length > 0) await runSmsWebhook(ctx, message, params, targets, result);
  return result;
}

async function runSmsWebhook(ctx: Context, message: MessageDoc, params: Record<string, string>, targets: Array<[string, string]>, result: InboundSmsResult): Promise<void> {
  for (const [url, method] of targets) {
    const ok = await fetchAndRun(ctx, message, params, url, method, result, 0);
    if (ok) return;
  }
}

// Fetches TwiML and runs it; false when the fetch or the document failed (the caller tries the fallback).
async function fetchAndRun(ctx: Context, message: MessageDoc, params: Record<string, string>, url: string, method: string, result: InboundSmsResult, depth: number): Promise<boolean> {
  const delivery = await ctx.send({ kind: "sms", ref: message.sid, accountSid: message.account_sid, authToken: ctx.authTokenOf(message.account_sid), url, method, params });
  result.deliveries.push(delivery);
  const failure = deliveryFailure(delivery);
  if (failure) {
    raiseAlert(ctx, message.account_sid, failure.code, failure.text, message.sid, delivery);
    return false;
  }
  // an empty answer (204, or 200 with no body) means "no reply", which is fine
  if (!delivery.body.trim()) return true;
  if (!isXmlContentType(delivery.contentType)) {
    raiseAlert(ctx, message.account_sid, 12300, `Invalid Content-Type: ${delivery.contentType ?? "(none)"}`, message.sid, delivery);
    return false;
  }
  let root: TwimlNode;
  try {
    root = parseTwiml(delivery.body);
  } catch (error) {
    if (!(error instanceof TwimlParseError)) throw error;
    raiseAlert(ctx, message.account_sid, 12100, `Document parse failure: ${error.message}`, message.sid, delivery);
    return false;
  }
  for (const verb of root.children) {
    if (verb.type === "Message") {
      const reply = replyFrom(ctx, message, verb, delivery);
      if (reply) result.replies.push(wireMessage(reply));
    } else if (verb.type === "Redirect") {
      if (depth >= MAX_REDIRECTS) {
        raiseAlert(ctx, message.account_sid, 12400, `More than ${MAX_REDIRECTS} <Redirect>s`, message.sid, delivery);
        return true;
      }
      const target = resolveUrl(verb.text.trim(), url);
      if (!target) {
        raiseAlert(ctx, message.account_sid, 12200, `<Redirect> has no valid URL: ${JSON.stringify(verb.text)}`, message.sid, delivery);
        return true;
      }
      // verbs after a <Redirect> are never reached
      return fetchAndRun(ctx, message, params, target, verb.attributes.method ?? "POST", result, depth + 1);
    } else {
      raiseAlert(ctx, message.account_sid, 12200, `Schema validation warning: <${verb.type}> is not a MessagingResponse verb`, message.sid, delivery, "warning");
    }
  }
  return true;
}

/** Resolves a (possibly relative) TwiML URL against the document's URL. */
export function resolveUrl(value: string, base: string): string | undefined {
  try {
    const url = new URL(value, base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

function replyFrom(ctx: Context, inbound: MessageDoc, verb: TwimlNode, delivery: WebhookDelivery): MessageDoc | undefined {
  const bodyNode = verb.children.find((child) => child.type === "Body");
  const body = (bodyNode ? bodyNode.text : verb.text).trim();
  const mediaUrls = verb.children.filter((child) => child.type === "Media").map((child) => child.text.trim());
  if (!body && mediaUrls.length === 0) {
    raiseAlert(ctx, inbound.account_sid, 14101, "<Message> has neither a body nor media", inbound.sid, delivery);
    return undefined;
  }
  if (mediaUrls.length > 10) {
    raiseAlert(ctx, inbound.account_sid, 14103, "<Message> has more than 10 <Media>", inbound.sid, delivery);
    return undefined;
  }
  const action = verb.attributes.action ? resolveUrl(verb.attributes.action, delivery.url) : undefined;
  return insertMessage(ctx, {
    accountSid: inbound.account_sid,
    to: verb.attributes.to ?? inbound.from,
    from: verb.attributes.from ?? inbound.to,
    body,
    mediaUrls,
    direction: "outbound-reply",
    statusCallback: action ?? null,
    statusCallbackMethod: verb.attributes.method,
  });
}

/**
 * Forces a message into a status (control API), with its callback.
 * @throws SandboxHttpError 404 for an unknown SID, 400 for a status outside the enum
 */
export async function forceMessageStatus(ctx: Context, sid: string, status: string, errorCode?: number): Promise<Record<string, unknown>> {
  const doc = loadMessage(ctx, sid);
  if (!doc) throw new SandboxHttpError(404, 20404, `Message ${sid} was not found`);
  const allowed = ["queued", "sending", "sent", "failed", "delivered", "undelivered", "received", "read", "canceled"];
  if (!allowed.includes(status)) throw badRequest(INVALID_PARAMETER, `Status must be one of ${allowed.join(", ")}`);
  if (errorCode !== undefined && !Number.isInteger(errorCode)) throw badRequest(INVALID_PARAMETER, "ErrorCode must be an integer");
  await setMessageStatus(ctx, doc, status as MessageStatus, errorCode ?? null);
  return wireMessage(doc);
}
