// Inbound SMS/MMS: stored, sent to the number's (or its Messaging Service's) webhook with Twilio's
// parameters, and the MessagingResponse reply executed (`<Message>` replies, `<Redirect>`).
import type { TwimlNode } from "@twilio-kit/twiml";
import type { Context } from "../engine/context.js";
import { bareNumber, mediaContentType, resolveUrl } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER, SandboxHttpError } from "../http/errors.js";
import { routeInboundToConversation } from "../conversations/delivery.js";
import { serviceOfNumber } from "../messaging-services/senders.js";
import { findNumber } from "../numbers/number.js";
import { numberApplication } from "../applications/application.js";
import { raiseAlert } from "../outbound/alerts.js";
import { fetchTwiml, redirectTarget, TWIML_ERRORS } from "../outbound/twiml-fetch.js";
import type { WebhookDelivery } from "../outbound/webhook.js";
import { insertMessage } from "./lifecycle.js";
import { optOutKey, START_WORDS, STOP_WORDS, wireMessage, type MessageDoc } from "./message.js";

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
  // a From/To pair bound to a conversation belongs to Conversations, not to the number's webhook
  const routed = await routeInboundToConversation(ctx, message);
  if (routed) {
    result.deliveries.push(...routed.deliveries);
    return result;
  }
  // a number in a Messaging Service answers with the service's webhooks, unless the service defers to
  // the number's (`use_inbound_webhook_on_number`) or has no InboundRequestUrl
  const targets: Array<[string, string]> = [];
  const smsApp = numberApplication(ctx, number.account_sid, number.sms_application_sid);
  if (service && !service.use_inbound_webhook_on_number && service.inbound_request_url) {
    targets.push([service.inbound_request_url, service.inbound_method]);
    if (service.fallback_url) targets.push([service.fallback_url, service.fallback_method]);
  } else if (smsApp?.sms_url) {
    // a number with an SmsApplicationSid hands its messages to that TwiML App's URLs
    targets.push([smsApp.sms_url, smsApp.sms_method]);
    if (smsApp.sms_fallback_url) targets.push([smsApp.sms_fallback_url, smsApp.sms_fallback_method]);
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
async function fetchAndRun(ctx: Context, message: MessageDoc, params: Record<string, string>, url: string, method: string, result: InboundSmsResult, documents: number): Promise<boolean> {
  const owner = { accountSid: message.account_sid, ref: message.sid };
  // an empty answer (204, or 200 with no body) means "no reply", which is fine
  const fetched = await fetchTwiml(ctx, { ...owner, kind: "sms", url, method, params, allowEmpty: true });
  result.deliveries.push(fetched.delivery);
  if (fetched.kind !== "ok") return false;
  const { root, delivery } = fetched;
  for (const verb of root?.children ?? []) {
    if (verb.type === "Message") {
      const reply = replyFrom(ctx, message, verb, delivery, url);
      if (reply) result.replies.push(wireMessage(reply));
    } else if (verb.type === "Redirect") {
      const target = redirectTarget(ctx, owner, verb, url, documents + 1, delivery);
      // verbs after a <Redirect> are never reached
      return target ? fetchAndRun(ctx, message, params, target, verb.attributes.method ?? "POST", result, documents + 1) : true;
    } else {
      raiseAlert(ctx, message.account_sid, TWIML_ERRORS.schemaWarning, `Schema validation warning: <${verb.type}> is not a MessagingResponse verb`, message.sid, delivery, "warning");
    }
  }
  return true;
}

function replyFrom(ctx: Context, inbound: MessageDoc, verb: TwimlNode, delivery: WebhookDelivery, documentUrl: string): MessageDoc | undefined {
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
  // against the document's URL as configured: a relative action keeps its `user:pass@` (the log's URL has none)
  const action = verb.attributes.action ? resolveUrl(verb.attributes.action, documentUrl) : undefined;
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
