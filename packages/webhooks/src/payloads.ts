// Typed views of the webhooks Twilio sends. Twilio adds parameters without notice, so every payload
// keeps the full `params` and fields are read, never whitelisted. Wire names are kept as Twilio spells them.
//
// The status unions come from the spec through @twilio-kit/core, as types only (see types.ts): a webhook
// receiver must not depend on the REST client at run time.
import type { CallEnumStatus, MessageEnumStatus } from "./types.js";

/** A message's `status` (OpenAPI `message_enum_status`). */
export type MessageStatus = MessageEnumStatus;

/**
 * A call's `CallStatus` in webhooks: OpenAPI `call_enum_status` plus `initiated`, which the REST
 * resource never reports but call progress callbacks (`StatusCallbackEvent=initiated`) carry.
 */
export type CallStatus = CallEnumStatus | "initiated";

/** A call's `Direction`. */
export type CallDirection = "inbound" | "outbound-api" | "outbound-dial";

/** Raw webhook parameters, as decoded from the form. */
export type WebhookParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Geographic fields Twilio adds when it knows them. */
export interface GeoFields {
  FromCity?: string;
  FromState?: string;
  FromZip?: string;
  FromCountry?: string;
  ToCity?: string;
  ToState?: string;
  ToZip?: string;
  ToCountry?: string;
}

/** One media item of an MMS: `MediaUrl{N}` and `MediaContentType{N}`. */
export interface IncomingMedia {
  url: string;
  contentType: string | undefined;
}

/** An incoming SMS/MMS/WhatsApp message. */
export interface IncomingMessageWebhook extends GeoFields {
  type: "incoming-message";
  MessageSid: string;
  AccountSid: string;
  MessagingServiceSid?: string;
  From: string;
  To: string;
  Body: string;
  /** `NumMedia` as a number (0 when absent). */
  NumMedia: number;
  NumSegments?: number;
  SmsStatus?: string;
  ApiVersion?: string;
  /** `MediaUrl0..` with their content types, in index order. */
  media: IncomingMedia[];
  /** Every parameter Twilio sent, including ones not typed here. */
  params: WebhookParams;
}

/** A message status callback (`StatusCallback` of an outbound message). */
export interface MessageStatusWebhook {
  type: "message-status";
  MessageSid: string;
  AccountSid: string;
  MessageStatus: MessageStatus;
  From?: string;
  To?: string;
  MessagingServiceSid?: string;
  /** Twilio error code (30xxx) on `failed`/`undelivered`. */
  ErrorCode?: number;
  RawDlrDoneDate?: string;
  params: WebhookParams;
}

/** An incoming call (the voice URL of a number or TwiML App). */
export interface IncomingCallWebhook extends GeoFields {
  type: "incoming-call";
  CallSid: string;
  AccountSid: string;
  From: string;
  To: string;
  CallStatus: CallStatus;
  Direction: CallDirection;
  ApiVersion?: string;
  ForwardedFrom?: string;
  CallerName?: string;
  ParentCallSid?: string;
  /** Gather results when the request is a `<Gather action>`. */
  Digits?: string;
  SpeechResult?: string;
  /** Speech recognition confidence, 0..1. */
  Confidence?: number;
  params: WebhookParams;
}

/** A call status callback. */
export interface CallStatusWebhook {
  type: "call-status";
  CallSid: string;
  AccountSid: string;
  CallStatus: CallStatus;
  Direction?: CallDirection;
  From?: string;
  To?: string;
  /** `initiated`, `ringing`, `answered` or `completed`. */
  StatusCallbackEvent?: string;
  /** Seconds, on `completed`. */
  CallDuration?: number;
  Timestamp?: string;
  SequenceNumber?: number;
  params: WebhookParams;
}

/** The result of a `<Gather>`: `Digits` and/or `SpeechResult`. */
export interface GatherWebhook {
  type: "gather";
  CallSid: string;
  AccountSid: string;
  Digits?: string;
  SpeechResult?: string;
  Confidence?: number;
  params: WebhookParams;
}

/** Any webhook `parseTwilioWebhook` recognises. */
export type TwilioWebhook = IncomingMessageWebhook | MessageStatusWebhook | IncomingCallWebhook | CallStatusWebhook | GatherWebhook;

/** Thrown by the `parse*` functions when a required parameter is absent. */
export class TwilioWebhookPayloadError extends Error {
  /** The missing parameter's wire name. */
  readonly param: string;
  constructor(param: string) {
    super(`[@twilio-kit/webhooks] missing webhook parameter ${param}`);
    this.name = "TwilioWebhookPayloadError";
    this.param = param;
  }
}

// A repeated name keeps its first value: Twilio does not repeat the parameters typed here.
function get(params: WebhookParams, name: string): string | undefined {
  const value = params[name];
  return typeof value === "string" ? value : value?.[0];
}

function required(params: WebhookParams, name: string): string {
  const value = get(params, name);
  if (value === undefined) throw new TwilioWebhookPayloadError(name);
  return value;
}

function num(params: WebhookParams, name: string): number | undefined {
  const value = get(params, name);
  if (value === undefined || value.trim() === "") return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

// Spread only defined fields so payloads have no `key: undefined` entries.
function pick(params: WebhookParams, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = get(params, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function numbers(params: WebhookParams, names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of names) {
    const value = num(params, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

const geo = ["FromCity", "FromState", "FromZip", "FromCountry", "ToCity", "ToState", "ToZip", "ToCountry"] as const;

/**
 * Read an incoming message webhook.
 * @throws TwilioWebhookPayloadError when `MessageSid`, `AccountSid`, `From` or `To` is missing.
 */
export function parseIncomingMessage(params: WebhookParams): IncomingMessageWebhook {
  const numMedia = num(params, "NumMedia") ?? 0;
  const media: IncomingMedia[] = [];
  // Indexed keys, not repeats; tolerate a NumMedia that disagrees with the keys present.
  for (let i = 0; i < Math.max(numMedia, 0) || get(params, `MediaUrl${i}`) !== undefined; i++) {
    const url = get(params, `MediaUrl${i}`);
    if (url === undefined) break;
    media.push({ url, contentType: get(params, `MediaContentType${i}`) });
  }
  return {
    type: "incoming-message",
    ...pick(params, ["MessagingServiceSid", "SmsStatus", "ApiVersion", ...geo]),
    ...numbers(params, ["NumSegments"]),
    MessageSid: required(params, "MessageSid"),
    AccountSid: required(params, "AccountSid"),
    From: required(params, "From"),
    To: required(params, "To"),
    Body: get(params, "Body") ?? "",
    NumMedia: numMedia,
    media,
    params,
  };
}

/**
 * Read a message status callback.
 * @throws TwilioWebhookPayloadError when `MessageSid`, `AccountSid` or `MessageStatus` is missing.
 */
export function parseMessageStatus(params: WebhookParams): MessageStatusWebhook {
  return {
    type: "message-status",
    ...pick(params, ["From", "To", "MessagingServiceSid", "RawDlrDoneDate"]),
    ...numbers(params, ["ErrorCode"]),
    MessageSid: required(params, "MessageSid"),
    AccountSid: required(params, "AccountSid"),
    MessageStatus: required(params, "MessageStatus") as MessageStatus,
    params,
  };
}

/**
 * Read an incoming call webhook (also the follow-up requests of a call, e.g. a `<Gather>` action).
 * @throws TwilioWebhookPayloadError when `CallSid`, `AccountSid`, `From`, `To`, `CallStatus` or `Direction` is missing.
 */
export function parseIncomingCall(params: WebhookParams): IncomingCallWebhook {
  return {
    type: "incoming-call",
    ...pick(params, ["ApiVersion", "ForwardedFrom", "CallerName", "ParentCallSid", "Digits", "SpeechResult", ...geo]),
    ...numbers(params, ["Confidence"]),
    CallSid: required(params, "CallSid"),
    AccountSid: required(params, "AccountSid"),
    From: required(params, "From"),
    To: required(params, "To"),
    CallStatus: required(params, "CallStatus") as CallStatus,
    Direction: required(params, "Direction") as CallDirection,
    params,
  };
}

/**
 * Read a call status callback.
 * @throws TwilioWebhookPayloadError when `CallSid`, `AccountSid` or `CallStatus` is missing.
 */
export function parseCallStatus(params: WebhookParams): CallStatusWebhook {
  const direction = get(params, "Direction");
  return {
    type: "call-status",
    ...pick(params, ["From", "To", "StatusCallbackEvent", "Timestamp"]),
    ...numbers(params, ["CallDuration", "SequenceNumber"]),
    ...(direction === undefined ? {} : { Direction: direction as CallDirection }),
    CallSid: required(params, "CallSid"),
    AccountSid: required(params, "AccountSid"),
    CallStatus: required(params, "CallStatus") as CallStatus,
    params,
  };
}

/**
 * Read the result of a `<Gather>` (its `action` request).
 * @throws TwilioWebhookPayloadError when `CallSid` or `AccountSid` is missing.
 */
export function parseGather(params: WebhookParams): GatherWebhook {
  return {
    type: "gather",
    ...pick(params, ["Digits", "SpeechResult"]),
    ...numbers(params, ["Confidence"]),
    CallSid: required(params, "CallSid"),
    AccountSid: required(params, "AccountSid"),
    params,
  };
}

/**
 * Recognise a webhook by its parameters: message status, incoming message, gather, call status or incoming call.
 * Returns undefined for anything else (Twilio has many more webhooks).
 */
export function parseTwilioWebhook(params: WebhookParams): TwilioWebhook | undefined {
  try {
    if (get(params, "MessageSid") !== undefined) {
      // Inbound messages carry SmsStatus=received and no MessageStatus.
      return get(params, "MessageStatus") !== undefined ? parseMessageStatus(params) : parseIncomingMessage(params);
    }
    if (get(params, "CallSid") !== undefined) {
      if (get(params, "Digits") !== undefined || get(params, "SpeechResult") !== undefined) return parseGather(params);
      if (get(params, "CallbackSource") !== undefined || get(params, "StatusCallbackEvent") !== undefined || get(params, "CallDuration") !== undefined) {
        return parseCallStatus(params);
      }
      return parseIncomingCall(params);
    }
  } catch (error) {
    if (error instanceof TwilioWebhookPayloadError) return undefined;
    throw error;
  }
  return undefined;
}
