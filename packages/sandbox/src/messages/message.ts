// The stored message: its document, the simulated failures, and its wire shape.
import type { Context } from "../engine/context.js";
import type { Doc } from "../engine/store.js";
import { bareNumber } from "../engine/util.js";
import { keyColumns } from "../engine/keys.js";

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
export type Step = [at: number, status: MessageStatus];

/** `+1…30003` style destinations fail after sending, with the code in their last five digits. */
export const FAILURE_RULES: Record<string, { status: "undelivered" | "failed"; message: string }> = {
  "30003": { status: "undelivered", message: "Unreachable destination handset" },
  "30004": { status: "undelivered", message: "Message blocked" },
  "30005": { status: "undelivered", message: "Unknown destination handset" },
  "30006": { status: "undelivered", message: "Landline or unreachable carrier" },
  "30007": { status: "undelivered", message: "Message filtered" },
  "30008": { status: "failed", message: "Unknown error" },
};
/** The `error_message` of each simulated failure code. */
export const ERROR_MESSAGES: Record<number, string> = Object.fromEntries(
  Object.entries(FAILURE_RULES).map(([code, rule]) => [Number(code), rule.message]),
);

/** Statuses a message never leaves. */
export const FINAL: ReadonlySet<string> = new Set(["delivered", "undelivered", "failed", "received", "canceled", "read"]);
/** Statuses in which a message can neither be redacted nor deleted. */
export const IN_FLIGHT: ReadonlySet<string> = new Set(["queued", "sending", "accepted", "scheduled"]);
/** Statuses Twilio sends a status callback for (never the initial one, nor `sending`). */
export const CALLBACK_STATUSES: ReadonlySet<string> = new Set(["sent", "delivered", "undelivered", "failed", "canceled"]);
/** Keywords that opt the sender out of messages from the number. */
export const STOP_WORDS = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"]);
/** Keywords that opt the sender back in. */
export const START_WORDS = new Set(["START", "YES", "UNSTOP"]);

// The indexed date is the sent date, known in advance from the plan: `DateSent` filters clamp to now.
/** The sent date (ms) the list index holds: the actual one, or the planned one. */
export function sentMsOf(doc: MessageDoc): number | null {
  if (doc._sentMs !== null) return doc._sentMs;
  const step = doc._plan.find(([, status]) => status === "sent" || status === "delivered" || status === "undelivered");
  return step ? step[0] : null;
}

/** Indexed columns of a message: owner, To, From and the sent date. */
export function keysOf(doc: MessageDoc) {
  return { account_sid: doc.account_sid, ...keyColumns("message", { to: doc.to, from: doc.from }), date_ms: sentMsOf(doc) };
}

// owner, To and From never change after creation: only the data and the sent date are rewritten
/** Stores a message's data and sent date (owner, To and From never change). */
export function save(ctx: Context, doc: MessageDoc): void {
  ctx.store.updateData("message", doc, sentMsOf(doc));
}

/** The simulated price of a message: per segment, MMS dearer than SMS. */
export function priceOf(doc: MessageDoc): string {
  const perSegment = Number(doc.num_media) > 0 ? 0.02 : 0.0079;
  return (-perSegment * Math.max(1, Number(doc.num_segments))).toFixed(5);
}

/** The meta key that marks `to` as opted out of messages from `from`. */
export function optOutKey(from: string, to: string): string {
  return `optout:${bareNumber(from)}:${bareNumber(to)}`;
}

/** Everything needed to create a message (API create, TwiML `<Message>`, inbound). */
export interface NewMessage {
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
  /** `SmartEncoded=true`, or the Messaging Service's `smart_encoding`: look-alike characters become GSM-7. */
  smartEncoding?: boolean;
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
