// A message added to a conversation: stored with the next index, sent as an SMS from the proxy address
// to every SMS participant but its author (through the messaging engine: lifecycle, status, price),
// and announced with `onMessageAdded`. An inbound SMS from a bound address to its proxy becomes such a
// message, authored by that address, instead of going to the number's SmsUrl.
import type { Context } from "../engine/context.js";
import { iso8601 } from "../engine/util.js";
import { SandboxHttpError } from "../http/errors.js";
import { insertMessage } from "../messages/lifecycle.js";
import type { MessageDoc } from "../messages/message.js";
import type { WebhookDelivery } from "../outbound/webhook.js";
import { participantsOf, saveConversation, type ConversationDoc, type ConvMessageDoc, type ConvServiceDoc } from "./model.js";
import { autoCreationFor } from "./addresses-api.js";
import { autoCreateConversation } from "./autocreate.js";
import { boundParticipant } from "./participants-api.js";
import { messageParams, runPreEvent, sendPostEvent, type EventSource } from "./webhooks.js";

/** What a new conversation message carries. */
export interface NewConvMessage {
  author: string;
  body: string | null;
  attributes: string;
  media: unknown[] | null;
  source: EventSource;
  /** Fire `onMessageAdded` (API actions only with X-Twilio-Webhook-Enabled; SMS and SDK always). */
  isWebhookEnabled: boolean;
}

/** The outcome of adding a message: the message (none when a pre-event hook blocked it) and the webhook deliveries. */
export interface AddedMessage {
  doc?: ConvMessageDoc;
  deliveries: WebhookDelivery[];
}

/**
 * Adds a message to a conversation: runs `onMessageAdd` (which may block or modify it), stores it with
 * the next index, delivers it to SMS participants and sends `onMessageAdded`.
 * @throws SandboxHttpError 403 (20403) when a pre-event hook blocks an API action
 */
export async function addConversationMessage(ctx: Context, service: ConvServiceDoc, conversation: ConversationDoc, input: NewConvMessage): Promise<AddedMessage> {
  const deliveries: WebhookDelivery[] = [];
  let { author: authorName, body, attributes } = input;
  if (input.isWebhookEnabled) {
    const pre: Record<string, string> = { AccountSid: conversation.account_sid, ChatServiceSid: service.sid, ConversationSid: conversation.sid, Author: authorName, Attributes: attributes };
    if (body !== null) pre.Body = body;
    const changes = await runPreEvent(ctx, service, "onMessageAdd", input.source, conversation.sid, pre);
    authorName = changes.author ?? authorName;
    body = changes.body ?? body;
    attributes = changes.attributes ?? attributes;
  }
  const nowMs = ctx.clock.now();
  const now = iso8601(nowMs);
  const participants = participantsOf(ctx, conversation.sid);
  const author = participants.find((participant) => participant.identity === authorName || participant.messaging_binding?.address === authorName);
  const doc: ConvMessageDoc = {
    sid: ctx.sid("IM"),
    account_sid: conversation.account_sid,
    conversation_sid: conversation.sid,
    chat_service_sid: service.sid,
    index: conversation._nextIndex,
    author: authorName,
    body,
    media: input.media,
    attributes,
    participant_sid: author?.sid ?? null,
    date_created: now,
    date_updated: now,
    content_sid: null,
    _sms: [],
  };
  ctx.store.transaction(() => {
    // a message wakes an inactive conversation
    conversation._nextIndex += 1;
    if (conversation.state === "inactive") conversation.state = "active";
    conversation.date_updated = now;
    for (const participant of participants) {
      const binding = participant.messaging_binding;
      if (!binding || participant.sid === author?.sid) continue;
      const sms: MessageDoc = insertMessage(ctx, {
        accountSid: conversation.account_sid,
        to: binding.address,
        from: binding.proxy_address,
        body: body ?? "",
        mediaUrls: [],
        direction: "outbound-api",
        statusCallback: null,
      });
      doc._sms.push({ sid: sms.sid, participant: participant.sid, receipt: ctx.sid("DY") });
    }
    ctx.store.insert("conv_message", doc, { account_sid: doc.account_sid, parent_sid: conversation.sid, key1: doc.author });
    saveConversation(ctx, conversation);
  });
  ctx.events.emit({ type: "conversation.message.added", at: nowMs, sid: doc.sid, conversationSid: conversation.sid, index: doc.index, author: doc.author, source: input.source, smsSids: doc._sms.map((copy) => copy.sid) });
  if (input.isWebhookEnabled) deliveries.push(...(await sendPostEvent(ctx, service, "onMessageAdded", input.source, doc.sid, messageParams(doc), conversation)));
  return { doc, deliveries };
}

/**
 * Routes an inbound SMS to the conversation its From/To pair is bound to, or to a conversation it
 * autocreates; resolves with what happened, or undefined (the number's SmsUrl gets the SMS then).
 */
export async function routeInboundToConversation(ctx: Context, sms: MessageDoc): Promise<AddedMessage | undefined> {
  const participant = boundParticipant({ ctx }, sms.from, sms.to);
  if (!participant) {
    const config = autoCreationFor({ ctx }, sms.account_sid, sms.to);
    if (!config) return undefined;
    const created = await autoCreateConversation(ctx, config, sms);
    const added = await addSmsMessage(ctx, created.service, created.conversation, sms.from, sms.body);
    return { ...added, deliveries: [...created.deliveries, ...added.deliveries] };
  }
  const conversation = ctx.store.get<ConversationDoc>("conversation", participant.conversation_sid)!;
  const service = ctx.store.get<ConvServiceDoc>("conv_service", conversation.chat_service_sid);
  if (!service) return undefined;
  return addSmsMessage(ctx, service, conversation, participant.messaging_binding!.address, sms.body);
}

/** Adds an SMS as a message of its author; a pre-event hook that blocks it drops the SMS, as at Twilio. */
export async function addSmsMessage(ctx: Context, service: ConvServiceDoc, conversation: ConversationDoc, author: string, body: string): Promise<AddedMessage> {
  try {
    return await addConversationMessage(ctx, service, conversation, { author, body, attributes: "{}", media: null, source: "SMS", isWebhookEnabled: true });
  } catch (error) {
    if (error instanceof SandboxHttpError && error.code === 20403) {
      ctx.events.emit({ type: "conversation.message.blocked", at: ctx.clock.now(), conversationSid: conversation.sid, author, reason: error.message });
      return { deliveries: [] };
    }
    throw error;
  }
}
