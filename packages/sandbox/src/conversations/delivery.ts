// A message added to a conversation: stored with the next index, sent as an SMS from the proxy address
// to every SMS participant but its author (through the messaging engine: lifecycle, status, price),
// and announced with `onMessageAdded`. An inbound SMS from a bound address to its proxy becomes such a
// message, authored by that address, instead of going to the number's SmsUrl.
import type { Context } from "../engine/context.js";
import { iso8601 } from "../engine/util.js";
import { insertMessage } from "../messages/lifecycle.js";
import type { MessageDoc } from "../messages/message.js";
import type { WebhookDelivery } from "../outbound/webhook.js";
import { participantsOf, saveConversation, type ConversationDoc, type ConvMessageDoc, type ConvServiceDoc } from "./model.js";
import { boundParticipant } from "./participants-api.js";
import { messageParams, sendPostEvent, type EventSource } from "./webhooks.js";

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

/** Adds a message to a conversation, delivers it to SMS participants and sends `onMessageAdded`. */
export async function addConversationMessage(ctx: Context, service: ConvServiceDoc, conversation: ConversationDoc, input: NewConvMessage): Promise<{ doc: ConvMessageDoc; delivery?: WebhookDelivery }> {
  const nowMs = ctx.clock.now();
  const now = iso8601(nowMs);
  const participants = participantsOf(ctx, conversation.sid);
  const author = participants.find((participant) => participant.identity === input.author || participant.messaging_binding?.address === input.author);
  const doc: ConvMessageDoc = {
    sid: ctx.sid("IM"),
    account_sid: conversation.account_sid,
    conversation_sid: conversation.sid,
    chat_service_sid: service.sid,
    index: conversation._nextIndex,
    author: input.author,
    body: input.body,
    media: input.media,
    attributes: input.attributes,
    participant_sid: author?.sid ?? null,
    date_created: now,
    date_updated: now,
    content_sid: null,
    _smsSids: [],
  };
  ctx.store.transaction(() => {
    // a message wakes an inactive conversation (its inactivity timer starts again from now)
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
        body: input.body ?? "",
        mediaUrls: [],
        direction: "outbound-api",
        statusCallback: null,
      });
      doc._smsSids.push(sms.sid);
    }
    ctx.store.insert("conv_message", doc, { account_sid: doc.account_sid, parent_sid: conversation.sid, key1: doc.author });
    saveConversation(ctx, conversation);
  });
  ctx.events.emit({ type: "conversation.message.added", at: nowMs, sid: doc.sid, conversationSid: conversation.sid, index: doc.index, author: doc.author, source: input.source, smsSids: doc._smsSids });
  const delivery = input.isWebhookEnabled ? await sendPostEvent(ctx, service, "onMessageAdded", input.source, doc.sid, { ...messageParams(doc), Source: input.source }) : undefined;
  return delivery ? { doc, delivery } : { doc };
}

/**
 * Routes an inbound SMS to the conversation its From/To pair is bound to; returns the conversation
 * message and the webhook delivery, or undefined when the pair is not bound (the SmsUrl gets it).
 */
export async function routeInboundToConversation(ctx: Context, sms: MessageDoc): Promise<{ doc: ConvMessageDoc; delivery?: WebhookDelivery } | undefined> {
  const participant = boundParticipant({ ctx }, sms.from, sms.to);
  if (!participant) return undefined;
  const conversation = ctx.store.get<ConversationDoc>("conversation", participant.conversation_sid)!;
  const service = ctx.store.get<ConvServiceDoc>("conv_service", conversation.chat_service_sid);
  if (!service) return undefined;
  return addConversationMessage(ctx, service, conversation, {
    author: participant.messaging_binding!.address,
    body: sms.body,
    attributes: "{}",
    media: null,
    source: "SMS",
    isWebhookEnabled: true,
  });
}
