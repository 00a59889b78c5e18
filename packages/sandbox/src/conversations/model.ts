// Conversations v1 storage: services (with the account's default one), conversations, participants
// and messages as stored documents, their wire shapes for both route families (`/v1/Conversations/…`
// on the default service and `/v1/Services/{ChatServiceSid}/Conversations/…`), and lookups.
import type { Context } from "../engine/context.js";
import type { Doc } from "../engine/store.js";
import { iso8601 } from "../engine/util.js";
import { SandboxHttpError } from "../http/errors.js";
import { loadMessage } from "../messages/lifecycle.js";

export const ORIGIN = "https://conversations.twilio.com";

/** Conversation states (`conversation_enum_state`). */
export type ConversationState = "initializing" | "inactive" | "active" | "closed";

/** Post-event webhook settings of a service (the default service's are the account's `/v1/Configuration/Webhooks`). */
export interface WebhookConfig {
  pre_webhook_url: string | null;
  post_webhook_url: string | null;
  method: "GET" | "POST";
  filters: string[];
}

export interface ConvServiceDoc extends Doc {
  account_sid: string;
  friendly_name: string;
  date_created: string;
  date_updated: string;
  _webhooks: WebhookConfig;
}

export interface ConversationDoc extends Doc {
  account_sid: string;
  chat_service_sid: string;
  messaging_service_sid: string | null;
  friendly_name: string | null;
  unique_name: string | null;
  attributes: string;
  state: ConversationState;
  date_created: string;
  date_updated: string;
  /** Timers as absolute virtual times (ms); the state follows them on read. */
  _inactiveAtMs: number | null;
  _closedAtMs: number | null;
  _nextIndex: number;
  /** Conversation-scoped webhooks (Twilio allows 5 per conversation). */
  _scopedWebhooks?: ScopedWebhook[];
}

/** A conversation-scoped webhook: `webhook` targets are delivered, `studio` and `trigger` ones stored. */
export interface ScopedWebhook {
  sid: string;
  target: "webhook" | "trigger" | "studio";
  url: string | null;
  method: "get" | "post";
  filters: string[];
  triggers: string[];
  flow_sid: string | null;
  replay_after: number | null;
  date_created: string;
  date_updated: string;
}

/** An SMS participant's binding. */
export interface MessagingBinding {
  type: "sms";
  address: string;
  proxy_address: string;
}

export interface ParticipantDoc extends Doc {
  account_sid: string;
  conversation_sid: string;
  chat_service_sid: string;
  identity: string | null;
  attributes: string;
  messaging_binding: MessagingBinding | null;
  role_sid: string | null;
  date_created: string;
  date_updated: string;
  last_read_message_index: number | null;
  last_read_timestamp: string | null;
}

export interface ConvMessageDoc extends Doc {
  account_sid: string;
  conversation_sid: string;
  chat_service_sid: string;
  index: number;
  author: string;
  body: string | null;
  media: unknown[] | null;
  attributes: string;
  participant_sid: string | null;
  date_created: string;
  date_updated: string;
  content_sid: string | null;
  /** The SMS (Messages resource) sent to each SMS participant, with the SID of its delivery receipt. */
  _sms: SmsCopy[];
}

/** One SMS copy of a conversation message. */
export interface SmsCopy {
  /** The Messages resource SID (SM…): the receipt's `channel_message_sid`. */
  sid: string;
  participant: string;
  /** The delivery receipt SID (DY…). */
  receipt: string;
}

/** Receipt statuses (`conversation_message_receipt_enum_delivery_status`). */
export type ReceiptStatus = "read" | "failed" | "delivered" | "undelivered" | "sent";

/** A delivery receipt: the state of one SMS copy as of now, from the messaging engine. */
export interface Receipt {
  copy: SmsCopy;
  status: ReceiptStatus;
  errorCode: number | null;
  dateUpdated: string;
}

const RECEIPT_STATUSES: ReadonlySet<string> = new Set(["sent", "delivered", "undelivered", "failed", "read"]);

/**
 * The receipts of a message, read from the SMS lifecycle as of now: a copy has one once its SMS is
 * sent (or failed); a copy still queued or sending has none yet. A deleted SMS keeps no receipt.
 */
export function receiptsOf(ctx: Context, doc: ConvMessageDoc): Receipt[] {
  const receipts: Receipt[] = [];
  for (const copy of doc._sms) {
    const sms = loadMessage(ctx, copy.sid);
    if (!sms || !RECEIPT_STATUSES.has(sms.status)) continue;
    receipts.push({ copy, status: sms.status as ReceiptStatus, errorCode: sms.error_code, dateUpdated: iso8601(Date.parse(sms.date_updated)) });
  }
  return receipts;
}

/** Twilio's `delivery` summary: for each status, whether all, some or none of the copies reached it. */
function deliverySummary(total: number, receipts: Receipt[]): Record<string, unknown> {
  const share = (matches: (receipt: Receipt) => boolean) => {
    const count = receipts.filter(matches).length;
    return count === 0 ? "none" : count === total ? "all" : "some";
  };
  return {
    total,
    // an SMS that was delivered, read or undelivered was sent first
    sent: share((receipt) => receipt.status !== "failed"),
    delivered: share((receipt) => receipt.status === "delivered" || receipt.status === "read"),
    read: share((receipt) => receipt.status === "read"),
    failed: share((receipt) => receipt.status === "failed"),
    undelivered: share((receipt) => receipt.status === "undelivered"),
  };
}

/** Twilio's 404 for a Conversations resource. */
export function notFoundConv(what: string, sid: string): SandboxHttpError {
  return new SandboxHttpError(404, 20404, `The requested resource ${what} ${sid} was not found`);
}

/** The base path of a conversation for the route family a request used. */
export function conversationPath(doc: ConversationDoc, scopedServiceSid: string | undefined): string {
  return scopedServiceSid === undefined ? `/v1/Conversations/${doc.sid}` : `/v1/Services/${scopedServiceSid}/Conversations/${doc.sid}`;
}

// --- services ---------------------------------------------------------------------------------

export function wireService(doc: ConvServiceDoc): Record<string, unknown> {
  const url = `${ORIGIN}/v1/Services/${doc.sid}`;
  const links: Record<string, string> = {};
  for (const [key, segment] of [
    ["conversations", "Conversations"],
    ["users", "Users"],
    ["roles", "Roles"],
    ["bindings", "Bindings"],
    ["configuration", "Configuration"],
    ["participant_conversations", "ParticipantConversations"],
    ["conversation_with_participants", "ConversationWithParticipants"],
  ]) {
    links[key!] = `${url}/${segment}`;
  }
  return { account_sid: doc.account_sid, sid: doc.sid, friendly_name: doc.friendly_name, date_created: doc.date_created, date_updated: doc.date_updated, url, links };
}

/** Creates a Conversation Service. */
export function createService(ctx: Context, accountSid: string, friendlyName: string): ConvServiceDoc {
  const now = iso8601(ctx.clock.now());
  const doc: ConvServiceDoc = {
    sid: ctx.sid("IS"),
    account_sid: accountSid,
    friendly_name: friendlyName,
    date_created: now,
    date_updated: now,
    _webhooks: { pre_webhook_url: null, post_webhook_url: null, method: "POST", filters: [] },
  };
  ctx.store.insert("conv_service", doc, { account_sid: accountSid, key1: friendlyName });
  return doc;
}

const defaultKey = (accountSid: string) => `conversations:default-service:${accountSid}`;

/** The account's default Conversation Service, created on first use (as Twilio provisions one). */
export function defaultService(ctx: Context, accountSid: string): ConvServiceDoc {
  const sid = ctx.store.meta(defaultKey(accountSid));
  const existing = sid === undefined ? undefined : ctx.store.get<ConvServiceDoc>("conv_service", sid);
  if (existing) return existing;
  const doc = createService(ctx, accountSid, "Default Conversations Service");
  ctx.store.setMeta(defaultKey(accountSid), doc.sid);
  return doc;
}

/** Makes a service the account's default one (`DefaultChatServiceSid`). */
export function setDefaultService(ctx: Context, service: ConvServiceDoc): void {
  ctx.store.setMeta(defaultKey(service.account_sid), service.sid);
}

/**
 * A service of the account: the one in the path, or the default one.
 * @throws SandboxHttpError 404 for an unknown service or another account's
 */
export function serviceFor(ctx: Context, accountSid: string, serviceSid: string | undefined): ConvServiceDoc {
  if (serviceSid === undefined) return defaultService(ctx, accountSid);
  const doc = ctx.store.get<ConvServiceDoc>("conv_service", serviceSid);
  if (!doc || doc.account_sid !== accountSid) throw notFoundConv("Service", serviceSid);
  return doc;
}

export function saveService(ctx: Context, doc: ConvServiceDoc): void {
  ctx.store.update("conv_service", doc, { account_sid: doc.account_sid, key1: doc.friendly_name });
}

// --- conversations ----------------------------------------------------------------------------

/** Applies the timers to the state as of `nowMs` (on read: nothing is scheduled). */
export function settleConversation(doc: ConversationDoc, nowMs: number): ConversationDoc {
  if (doc.state !== "closed" && doc._closedAtMs !== null && doc._closedAtMs <= nowMs) doc.state = "closed";
  else if (doc.state === "active" && doc._inactiveAtMs !== null && doc._inactiveAtMs <= nowMs) doc.state = "inactive";
  return doc;
}

export function wireConversation(doc: ConversationDoc, scopedServiceSid: string | undefined): Record<string, unknown> {
  const url = `${ORIGIN}${conversationPath(doc, scopedServiceSid)}`;
  const timers: Record<string, string> = {};
  if (doc._inactiveAtMs !== null && doc.state === "active") timers.date_inactive = iso8601(doc._inactiveAtMs);
  if (doc._closedAtMs !== null && doc.state !== "closed") timers.date_closed = iso8601(doc._closedAtMs);
  return {
    account_sid: doc.account_sid,
    chat_service_sid: doc.chat_service_sid,
    messaging_service_sid: doc.messaging_service_sid,
    sid: doc.sid,
    friendly_name: doc.friendly_name,
    unique_name: doc.unique_name,
    attributes: doc.attributes,
    state: doc.state,
    date_created: doc.date_created,
    date_updated: doc.date_updated,
    timers,
    url,
    links: {
      participants: `${url}/Participants`,
      messages: `${url}/Messages`,
      webhooks: `${url}/Webhooks`,
      export: `${url}/Export`,
    },
    bindings: {},
  };
}

export function conversationKeys(doc: ConversationDoc) {
  return { account_sid: doc.account_sid, parent_sid: doc.chat_service_sid, key1: doc.unique_name === null ? null : `${doc.chat_service_sid}:${doc.unique_name}` };
}

/**
 * A conversation of a service by SID or `UniqueName` (Twilio accepts either in the path), as of now.
 * @throws SandboxHttpError 404 when there is none
 */
export function loadConversation(ctx: Context, service: ConvServiceDoc, sidOrName: string): ConversationDoc {
  let doc = /^CH[0-9a-f]{32}$/.test(sidOrName) ? ctx.store.get<ConversationDoc>("conversation", sidOrName) : undefined;
  doc ??= ctx.store.findByKey1<ConversationDoc>("conversation", `${service.sid}:${sidOrName}`)[0];
  if (!doc || doc.chat_service_sid !== service.sid || doc.account_sid !== service.account_sid) throw notFoundConv("Conversation", sidOrName);
  return settleConversation(doc, ctx.clock.now());
}

export function saveConversation(ctx: Context, doc: ConversationDoc): void {
  ctx.store.update("conversation", doc, conversationKeys(doc));
}

// --- participants -----------------------------------------------------------------------------

export function wireParticipant(doc: ParticipantDoc, conversation: ConversationDoc, scopedServiceSid: string | undefined): Record<string, unknown> {
  return {
    account_sid: doc.account_sid,
    conversation_sid: doc.conversation_sid,
    sid: doc.sid,
    identity: doc.identity,
    attributes: doc.attributes,
    messaging_binding: doc.messaging_binding,
    role_sid: doc.role_sid,
    date_created: doc.date_created,
    date_updated: doc.date_updated,
    url: `${ORIGIN}${conversationPath(conversation, scopedServiceSid)}/Participants/${doc.sid}`,
    last_read_message_index: doc.last_read_message_index,
    last_read_timestamp: doc.last_read_timestamp,
  };
}

/** The binding key of an SMS participant: address and proxy address route inbound SMS. */
export function bindingKey(address: string, proxyAddress: string): string {
  return `sms:${address}|${proxyAddress}`;
}

export function participantKeys(doc: ParticipantDoc) {
  const binding = doc.messaging_binding;
  return { account_sid: doc.account_sid, parent_sid: doc.conversation_sid, key1: binding ? bindingKey(binding.address, binding.proxy_address) : null, key2: doc.identity };
}

/** Every participant of a conversation, oldest first (bounded: Twilio caps a conversation at 1,000). */
export function participantsOf(ctx: Context, conversationSid: string): ParticipantDoc[] {
  return ctx.store.list<ParticipantDoc>("conv_participant", { parentSid: conversationSid, limit: 1000, order: "asc" }).map((row) => row.doc);
}

// --- messages ---------------------------------------------------------------------------------

export function wireConvMessage(ctx: Context, doc: ConvMessageDoc, conversation: ConversationDoc, scopedServiceSid: string | undefined): Record<string, unknown> {
  const url = `${ORIGIN}${conversationPath(conversation, scopedServiceSid)}/Messages/${doc.sid}`;
  return {
    account_sid: doc.account_sid,
    conversation_sid: doc.conversation_sid,
    sid: doc.sid,
    index: doc.index,
    author: doc.author,
    body: doc.body,
    media: doc.media,
    attributes: doc.attributes,
    participant_sid: doc.participant_sid,
    date_created: doc.date_created,
    date_updated: doc.date_updated,
    url,
    // delivery summarises the SMS sent for the message (null when it went to chat participants only)
    delivery: doc._sms.length === 0 ? null : deliverySummary(doc._sms.length, receiptsOf(ctx, doc)),
    links: { delivery_receipts: `${url}/Receipts`, channel_metadata: `${url}/ChannelMetadata` },
    content_sid: doc.content_sid,
  };
}

/**
 * A message of a conversation.
 * @throws SandboxHttpError 404 when there is none
 */
export function loadConvMessage(ctx: Context, conversation: ConversationDoc, sid: string): ConvMessageDoc {
  const doc = ctx.store.get<ConvMessageDoc>("conv_message", sid);
  if (!doc || doc.conversation_sid !== conversation.sid) throw notFoundConv("Message", sid);
  return doc;
}
