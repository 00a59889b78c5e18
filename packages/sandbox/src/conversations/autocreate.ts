// Autocreation: the conversation an SMS opens when its sender is bound to no conversation and the
// number it was sent to has an enabled Address Configuration. Events come from the SMS (Source=SMS)
// and so are always sent, like Twilio's.
import type { Context } from "../engine/context.js";
import { iso8601 } from "../engine/util.js";
import type { MessageDoc } from "../messages/message.js";
import type { WebhookDelivery } from "../outbound/webhook.js";
import type { AddressDoc } from "./addresses-api.js";
import { newConversationDoc } from "./api.js";
import { conversationKeys, participantKeys, serviceFor, type ConversationDoc, type ConvServiceDoc, type ParticipantDoc } from "./model.js";
import { defaultRole } from "./roles.js";
import { newScopedWebhook } from "./scoped-webhooks-api.js";
import { conversationParams, participantParams, sendPostEvent } from "./webhooks.js";

/** Creates the conversation and the sender's participant; resolves with them and the webhook deliveries. */
export async function autoCreateConversation(ctx: Context, config: AddressDoc, sms: MessageDoc): Promise<{ service: ConvServiceDoc; conversation: ConversationDoc; deliveries: WebhookDelivery[] }> {
  const service = serviceFor(ctx, config.account_sid, config.auto_creation.conversation_service_sid ?? undefined);
  const conversation = newConversationDoc(ctx, service);
  const now = iso8601(ctx.clock.now());
  const auto = config.auto_creation;
  // Twilio attaches the configured webhook (or Studio flow) to the new conversation itself
  if (auto.type === "webhook" && auto.webhook_url !== null) {
    const hook = newScopedWebhook(ctx.sid("WH"), "webhook", now);
    Object.assign(hook, { url: auto.webhook_url, method: auto.webhook_method.toLowerCase(), filters: auto.webhook_filters });
    conversation._scopedWebhooks = [hook];
  } else if (auto.type === "studio" && auto.studio_flow_sid !== null) {
    conversation._scopedWebhooks = [{ ...newScopedWebhook(ctx.sid("WH"), "studio", now), flow_sid: auto.studio_flow_sid }];
  }
  const participant: ParticipantDoc = {
    sid: ctx.sid("MB"),
    account_sid: config.account_sid,
    conversation_sid: conversation.sid,
    chat_service_sid: service.sid,
    identity: null,
    attributes: "{}",
    messaging_binding: { type: "sms", address: sms.from, proxy_address: sms.to },
    role_sid: defaultRole(ctx, service, "conversation").sid,
    date_created: now,
    date_updated: now,
    last_read_message_index: null,
    last_read_timestamp: null,
  };
  ctx.store.transaction(() => {
    ctx.store.insert("conversation", conversation, conversationKeys(conversation));
    ctx.store.insert("conv_participant", participant, participantKeys(participant));
  });
  ctx.events.emit({ type: "conversation.created", at: ctx.clock.now(), sid: conversation.sid, serviceSid: service.sid, accountSid: conversation.account_sid, autoCreatedBy: config.sid });
  const deliveries = [
    // an autocreated conversation's event names the binding that opened it
    ...(await sendPostEvent(ctx, service, "onConversationAdded", "SMS", conversation.sid, { ...conversationParams(conversation), "MessagingBinding.Address": sms.from, "MessagingBinding.ProxyAddress": sms.to }, conversation)),
    ...(await sendPostEvent(ctx, service, "onParticipantAdded", "SMS", participant.sid, participantParams(participant), conversation)),
  ];
  return { service, conversation, deliveries };
}
