// Post-event webhooks of Conversations (`onConversationAdded`, `onParticipantAdded`, `onMessageAdded`,
// …): sent to the service's `post_webhook_url` when its `Filters` list the event, signed with
// X-Twilio-Signature like every sandbox webhook, logged, and raising an alert when they fail.
import type { Context } from "../engine/context.js";
import { first, isHttpUrl, type Params } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER, SandboxHttpError } from "../http/errors.js";
import { deliveryFailure, raiseAlert } from "../outbound/alerts.js";
import type { WebhookDelivery } from "../outbound/webhook.js";
import { ORIGIN, type ConversationDoc, type ConvMessageDoc, type ConvServiceDoc, type ParticipantDoc, type WebhookConfig } from "./model.js";

/** Every event name a webhook configuration's `Filters` may list (from the spec). */
export const WEBHOOK_EVENTS = new Set([
  "onMessageAdded", "onMessageUpdated", "onMessageRemoved", "onMessageAdd", "onMessageUpdate", "onMessageRemove",
  "onConversationUpdated", "onConversationRemoved", "onConversationAdd", "onConversationAdded", "onConversationRemove",
  "onConversationUpdate", "onConversationStateUpdated", "onParticipantAdded", "onParticipantUpdated", "onParticipantRemoved",
  "onParticipantAdd", "onParticipantRemove", "onParticipantUpdate", "onDeliveryUpdated", "onUserAdded", "onUserUpdate",
  "onUserUpdated", "onMessageSend",
]);

/** Where a post-event came from: the REST API, an SDK client, or an SMS. */
export type EventSource = "API" | "SDK" | "SMS";

/**
 * Applies `PreWebhookUrl`, `PostWebhookUrl`, `Method` and `Filters` to a configuration.
 * @throws SandboxHttpError 400 (20001) for a bad URL, method or filter
 */
export function applyWebhookParams(config: WebhookConfig, params: Params): void {
  for (const [param, field] of [["PreWebhookUrl", "pre_webhook_url"], ["PostWebhookUrl", "post_webhook_url"]] as const) {
    const value = first(params, param);
    if (value === undefined) continue;
    if (value !== "" && !isHttpUrl(value)) throw badRequest(INVALID_PARAMETER, `${param} must be an http(s) URL`);
    config[field] = value === "" ? null : value;
  }
  const method = first(params, "Method");
  if (method !== undefined) {
    const upper = method.toUpperCase();
    if (upper !== "GET" && upper !== "POST") throw badRequest(INVALID_PARAMETER, "Method must be GET or POST");
    config.method = upper;
  }
  if (params.Filters !== undefined) {
    // a single value may also be comma-separated
    const filters = params.Filters.flatMap((value) => value.split(",")).map((value) => value.trim()).filter((value) => value !== "");
    const unknown = filters.find((value) => !WEBHOOK_EVENTS.has(value));
    if (unknown !== undefined) throw badRequest(INVALID_PARAMETER, `Invalid Filters value ${JSON.stringify(unknown.slice(0, 40))}`);
    config.filters = [...new Set(filters)];
  }
}

/** The account-level wire shape (`/v1/Configuration/Webhooks`) of the default service's configuration. */
export function wireAccountWebhooks(service: ConvServiceDoc): Record<string, unknown> {
  const config = service._webhooks;
  return { account_sid: service.account_sid, method: config.method, filters: config.filters, pre_webhook_url: config.pre_webhook_url, post_webhook_url: config.post_webhook_url, target: "webhook", url: `${ORIGIN}/v1/Configuration/Webhooks` };
}

/** The service-level wire shape (`/v1/Services/{ChatServiceSid}/Configuration/Webhooks`). */
export function wireServiceWebhooks(service: ConvServiceDoc): Record<string, unknown> {
  const config = service._webhooks;
  return {
    account_sid: service.account_sid,
    chat_service_sid: service.sid,
    pre_webhook_url: config.pre_webhook_url,
    post_webhook_url: config.post_webhook_url,
    filters: config.filters,
    method: config.method,
    url: `${ORIGIN}/v1/Services/${service.sid}/Configuration/Webhooks`,
  };
}

/** The parameters of a conversation event. */
export function conversationParams(conversation: ConversationDoc): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: conversation.account_sid,
    ChatServiceSid: conversation.chat_service_sid,
    ConversationSid: conversation.sid,
    DateCreated: conversation.date_created,
    State: conversation.state,
    Attributes: conversation.attributes,
  };
  if (conversation.friendly_name !== null) params.FriendlyName = conversation.friendly_name;
  if (conversation.unique_name !== null) params.UniqueName = conversation.unique_name;
  if (conversation.messaging_service_sid !== null) params.MessagingServiceSid = conversation.messaging_service_sid;
  return params;
}

/** The parameters of a participant event. */
export function participantParams(participant: ParticipantDoc): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: participant.account_sid,
    ChatServiceSid: participant.chat_service_sid,
    ConversationSid: participant.conversation_sid,
    ParticipantSid: participant.sid,
    DateCreated: participant.date_created,
    Attributes: participant.attributes,
  };
  if (participant.identity !== null) params.Identity = participant.identity;
  if (participant.role_sid !== null) params.RoleSid = participant.role_sid;
  if (participant.messaging_binding !== null) {
    params["MessagingBinding.Type"] = participant.messaging_binding.type;
    params["MessagingBinding.Address"] = participant.messaging_binding.address;
    params["MessagingBinding.ProxyAddress"] = participant.messaging_binding.proxy_address;
  }
  return params;
}

/** The parameters of a message event. */
export function messageParams(message: ConvMessageDoc): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: message.account_sid,
    ChatServiceSid: message.chat_service_sid,
    ConversationSid: message.conversation_sid,
    MessageSid: message.sid,
    Index: String(message.index),
    Author: message.author,
    Attributes: message.attributes,
    DateCreated: message.date_created,
  };
  if (message.body !== null) params.Body = message.body;
  if (message.participant_sid !== null) params.ParticipantSid = message.participant_sid;
  if (message.media !== null) params.Media = JSON.stringify(message.media);
  return params;
}

async function deliver(ctx: Context, accountSid: string, url: string, method: string, event: string, source: EventSource, ref: string, params: Record<string, string>): Promise<WebhookDelivery> {
  const delivery = await ctx.send({
    kind: "conversations",
    ref,
    accountSid,
    authToken: ctx.authTokenOf(accountSid),
    url,
    method,
    params: { ...params, EventType: event, Source: source, RetryCount: "0" },
  });
  const failure = deliveryFailure(delivery);
  if (failure) raiseAlert(ctx, accountSid, failure.code, `Conversations ${event} webhook: ${failure.text}`, ref, delivery, "warning");
  return delivery;
}

/**
 * Sends a post-event webhook to the service's `post_webhook_url` when its Filters list the event, and
 * to the conversation's own `webhook` targets that list it; resolves with the deliveries. A failure
 * raises an alert, as Twilio's debugger shows it.
 */
export async function sendPostEvent(
  ctx: Context,
  service: ConvServiceDoc,
  event: string,
  source: EventSource,
  ref: string,
  params: Record<string, string>,
  conversation?: ConversationDoc,
): Promise<WebhookDelivery[]> {
  const deliveries: WebhookDelivery[] = [];
  const config = service._webhooks;
  if (config.post_webhook_url !== null && config.filters.includes(event)) {
    deliveries.push(await deliver(ctx, service.account_sid, config.post_webhook_url, config.method, event, source, ref, params));
  }
  const words = event === "onMessageAdded" ? new Set((params.Body ?? "").toLowerCase().split(/\W+/u)) : undefined;
  for (const hook of conversation?._scopedWebhooks ?? []) {
    if (hook.url === null) continue;
    // a trigger webhook hears the messages that contain one of its words; a webhook target its filters
    const isTriggered = hook.target === "trigger" && words !== undefined && hook.triggers.some((word) => words.has(word.toLowerCase()));
    if (!isTriggered && (hook.target !== "webhook" || !hook.filters.includes(event))) continue;
    deliveries.push(await deliver(ctx, service.account_sid, hook.url, hook.method.toUpperCase(), event, source, ref, { ...params, WebhookSid: hook.sid }));
  }
  return deliveries;
}

/** What a pre-event hook may change, per event: the fields of its JSON answer that are applied. */
const MODIFIABLE: Record<string, readonly string[]> = {
  onMessageAdd: ["body", "author", "attributes"],
  onMessageUpdate: ["body", "author", "attributes"],
  onConversationAdd: ["friendly_name", "unique_name", "attributes"],
  onConversationUpdate: ["friendly_name", "unique_name", "attributes"],
  onParticipantAdd: ["attributes", "role_sid"],
  onParticipantUpdate: ["attributes", "role_sid"],
};

/**
 * Runs a pre-event hook (`onMessageAdd`, `onConversationAdd`, `onParticipantAdd`, …) before the action:
 * a non-2xx answer (or no answer) blocks it, a JSON answer modifies it. Resolves with the modified
 * fields (empty when the hook is not configured for the event or changes nothing).
 * @throws SandboxHttpError 403 (20403) when the hook blocks the action
 */
export async function runPreEvent(ctx: Context, service: ConvServiceDoc, event: string, source: EventSource, ref: string, params: Record<string, string>): Promise<Record<string, string>> {
  const config = service._webhooks;
  if (config.pre_webhook_url === null || !config.filters.includes(event)) return {};
  const delivery = await deliver(ctx, service.account_sid, config.pre_webhook_url, config.method, event, source, ref, params);
  if (delivery.status === null || delivery.status < 200 || delivery.status > 299) {
    throw new SandboxHttpError(403, 20403, `The ${event} pre-event webhook blocked the action (${delivery.status === null ? delivery.error ?? "no answer" : `status ${delivery.status}`})`);
  }
  const changes: Record<string, string> = {};
  if (!(delivery.contentType ?? "").toLowerCase().includes("json") || delivery.body.trim() === "") return changes;
  let answer: unknown;
  try {
    answer = JSON.parse(delivery.body);
  } catch {
    raiseAlert(ctx, service.account_sid, 12300, `Conversations ${event} webhook answered JSON that does not parse: the action goes ahead unchanged`, ref, delivery, "warning");
    return changes;
  }
  if (answer === null || typeof answer !== "object") return changes;
  for (const field of MODIFIABLE[event] ?? []) {
    const value = (answer as Record<string, unknown>)[field];
    // attributes may come back as an object: Twilio stores them as a JSON string
    if (typeof value === "string") changes[field] = value;
    else if (field === "attributes" && value !== null && typeof value === "object") changes[field] = JSON.stringify(value);
  }
  return changes;
}
