// The stored IncomingPhoneNumber: its document, its settable webhook fields, lookups by E.164.
import type { Context } from "../engine/context.js";
import type { Doc } from "../engine/store.js";
import { first, formatNumber, rfc2822, type Params } from "../engine/util.js";
import { notFound } from "../http/errors.js";
import { keyColumns } from "../engine/keys.js";

/** A stored IncomingPhoneNumber. */
export interface NumberDoc extends Doc {
  account_sid: string;
  phone_number: string;
  friendly_name: string;
  sms_url: string | null;
  sms_method: string;
  sms_fallback_url: string | null;
  sms_fallback_method: string;
  voice_url: string | null;
  voice_method: string;
  voice_fallback_url: string | null;
  voice_fallback_method: string;
  status_callback: string | null;
  status_callback_method: string;
}

// Params of create/update that map one-to-one onto a field (`SmsUrl` → `sms_url`).
/** Params of create/update that map one-to-one onto a field (`SmsUrl` → `sms_url`). */
export const SETTABLE: Record<string, string> = {
  FriendlyName: "friendly_name",
  ApiVersion: "api_version",
  SmsUrl: "sms_url",
  SmsMethod: "sms_method",
  SmsFallbackUrl: "sms_fallback_url",
  SmsFallbackMethod: "sms_fallback_method",
  SmsApplicationSid: "sms_application_sid",
  VoiceUrl: "voice_url",
  VoiceMethod: "voice_method",
  VoiceFallbackUrl: "voice_fallback_url",
  VoiceFallbackMethod: "voice_fallback_method",
  VoiceApplicationSid: "voice_application_sid",
  VoiceReceiveMode: "voice_receive_mode",
  StatusCallback: "status_callback",
  StatusCallbackMethod: "status_callback_method",
  EmergencyStatus: "emergency_status",
  EmergencyAddressSid: "emergency_address_sid",
  TrunkSid: "trunk_sid",
  IdentitySid: "identity_sid",
  AddressSid: "address_sid",
  BundleSid: "bundle_sid",
};
/** Fields that hold an HTTP method, stored upper-case. */
export const METHOD_FIELDS = new Set(["sms_method", "sms_fallback_method", "voice_method", "voice_fallback_method", "status_callback_method"]);

/** Options of `createNumber` (control API seed and the default number). */
export interface NumberOptions {
  accountSid: string;
  phoneNumber: string;
  friendlyName?: string;
  smsUrl?: string | null;
  smsMethod?: string;
  smsFallbackUrl?: string | null;
  voiceUrl?: string | null;
  voiceMethod?: string;
  voiceFallbackUrl?: string | null;
  statusCallback?: string | null;
}

/** Adds an owned number. */
export function createNumber(ctx: Context, options: NumberOptions): NumberDoc {
  const sid = ctx.sid("PN");
  const now = rfc2822(ctx.clock.now());
  // the official schema has no subresource_uris for numbers, so none is sent
  const base = `/2010-04-01/Accounts/${options.accountSid}/IncomingPhoneNumbers/${sid}`;
  const doc: NumberDoc = {
    account_sid: options.accountSid,
    address_sid: null,
    address_requirements: "none",
    api_version: "2010-04-01",
    beta: false,
    capabilities: { fax: false, mms: true, sms: true, voice: true },
    date_created: now,
    date_updated: now,
    friendly_name: options.friendlyName ?? formatNumber(options.phoneNumber),
    identity_sid: null,
    phone_number: options.phoneNumber,
    origin: "twilio",
    sid,
    sms_application_sid: "",
    sms_fallback_method: "POST",
    sms_fallback_url: options.smsFallbackUrl ?? "",
    sms_method: options.smsMethod ?? "POST",
    sms_url: options.smsUrl ?? "",
    status_callback: options.statusCallback ?? "",
    status_callback_method: "POST",
    trunk_sid: null,
    uri: `${base}.json`,
    voice_receive_mode: "voice",
    voice_application_sid: null,
    voice_caller_id_lookup: false,
    voice_fallback_method: "POST",
    voice_fallback_url: options.voiceFallbackUrl ?? null,
    voice_method: options.voiceMethod ?? "POST",
    voice_url: options.voiceUrl ?? null,
    emergency_status: "Inactive",
    emergency_address_sid: null,
    emergency_address_status: "unregistered",
    bundle_sid: null,
    status: "in-use",
  };
  ctx.store.insert("number", doc, numberKeys(doc));
  return doc;
}

/** Stores a changed number. */
export function saveNumber(ctx: Context, doc: NumberDoc): void {
  ctx.store.update("number", doc, numberKeys(doc));
}

/** Indexed columns of a number: its owner, E.164 value and friendly name. */
export function numberKeys(doc: NumberDoc) {
  return { account_sid: doc.account_sid, ...keyColumns("number", { phoneNumber: doc.phone_number, friendlyName: doc.friendly_name }) };
}

/** The owned number with this E.164 value, in any account (key1 of a number is its E.164 value). */
export function findNumber(ctx: Context, phoneNumber: string): NumberDoc | undefined {
  return ctx.store.findByKey1<NumberDoc>("number", phoneNumber)[0];
}

/** Applies the settable params of a create or update to a number. */
export function applySettable(doc: NumberDoc, params: Params): void {
  for (const [param, field] of Object.entries(SETTABLE)) {
    const value = first(params, param);
    if (value === undefined) continue;
    (doc as Record<string, unknown>)[field] = METHOD_FIELDS.has(field) ? value.toUpperCase() : value;
  }
  const lookup = first(params, "VoiceCallerIdLookup");
  if (lookup !== undefined) doc.voice_caller_id_lookup = lookup.toLowerCase() === "true";
}

/**
 * A number of this account.
 * @throws SandboxHttpError 404 for an unknown SID or another account's number
 */
export function ownedNumber(ctx: Context, accountSid: string, sid: string, rawPath: string): NumberDoc {
  const doc = ctx.store.get<NumberDoc>("number", sid);
  if (!doc || doc.account_sid !== accountSid) throw notFound(rawPath);
  return doc;
}
