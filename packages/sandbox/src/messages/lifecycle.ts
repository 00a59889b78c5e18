// A message's lifecycle on the virtual clock: the plan of status steps computed at creation (statuses
// are derived from it on read), the notices that emit `message.status`, and the status callbacks.
import type { Context } from "../engine/context.js";
import type { Notice } from "../engine/notices.js";
import type { Doc, Job } from "../engine/store.js";
import { bareNumber, mediaContentType, rfc2822 } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER, SandboxHttpError } from "../http/errors.js";
import { deliveryFailure, raiseAlert } from "../outbound/alerts.js";
import { CALLBACK_STATUSES, ERROR_MESSAGES, FAILURE_RULES, FINAL, keysOf, priceOf, save, wireMessage, type MessageDoc, type MessageStatus, type NewMessage, type Step } from "./message.js";
import { segments } from "@twilio-kit/core/segments";

/** Stores a new message (with its media), plans its lifecycle and schedules its first status callback. */
export function insertMessage(ctx: Context, input: NewMessage): MessageDoc {
  const hasMedia = input.mediaUrls.length > 0;
  const sid = ctx.sid(hasMedia ? "MM" : "SM");
  const nowMs = ctx.clock.now();
  const now = rfc2822(nowMs);
  const isInbound = input.direction === "inbound";
  // Smart Encoding rewrites the body Twilio sends and stores (only when that makes it GSM-7)
  const counted = segments(input.body, { smartEncoding: input.smartEncoding === true && !isInbound });
  const body = counted.smartEncoded ? counted.smartEncodedBody! : input.body;
  const base = `/2010-04-01/Accounts/${input.accountSid}/Messages/${sid}`;
  const rule = isInbound ? undefined : FAILURE_RULES[bareNumber(input.to).slice(-5)];
  const doc: MessageDoc = {
    sid,
    account_sid: input.accountSid,
    body,
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
    num_segments: String(counted.segments),
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
export function stepsAfter(ctx: Context, doc: MessageDoc, status: MessageStatus, fromMs: number, sendAtMs?: number): Step[] {
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
export function applyStatus(doc: MessageDoc, status: MessageStatus, atMs: number, errorCode: number | null = null): void {
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
export function settle(doc: MessageDoc, untilMs: number, through?: MessageStatus): MessageDoc {
  while (doc._plan.length > 0 && doc._plan[0]![0] <= untilMs) {
    const [at, status] = doc._plan.shift()!;
    applyStatus(doc, status, at);
    if (status === through && at === untilMs) break;
  }
  return doc;
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
/** Message statuses by number, for notices (which carry numbers only). */
export const STATUSES: readonly MessageStatus[] = [
  "queued", "sending", "sent", "failed", "delivered", "undelivered", "receiving", "received", "accepted", "scheduled", "read", "partially_delivered", "canceled",
];
/** A notice's tag is `generation * TAG_BASE + status index`. */
export const TAG_BASE = 16;

/**
 * Follows a message's plan: a notice per step emits its `message.status` event. A notice carries
 * the plan's generation: a re-plan makes the earlier notices stale.
 */
export function follow(ctx: Context, doc: MessageDoc, seq: number): void {
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
export function scheduleCallback(ctx: Context, doc: MessageDoc): void {
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

/** Posts a message's status to its StatusCallback; a failed delivery becomes a warning alert. */
export async function sendStatusCallback(ctx: Context, doc: MessageDoc): Promise<void> {
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

/** `RawDlrDoneDate` as carriers write it: `YYMMDDhhmm` in UTC. */
export function rawDlrDate(ms: number): string {
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
