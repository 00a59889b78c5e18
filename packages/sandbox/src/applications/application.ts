// The stored TwiML App (`/Applications`): its document, its settable fields, and how a call, a
// message or a number hands its webhooks over to it, as Twilio does when an ApplicationSid is set.
import type { Context } from "../engine/context.js";
import type { Doc } from "../engine/store.js";
import { first, rfc2822, type Params } from "../engine/util.js";
import { badRequest, notFound } from "../http/errors.js";

/** A stored Application (OAI `api.v2010.account.application`). */
export interface ApplicationDoc extends Doc {
  account_sid: string;
  friendly_name: string | null;
  voice_url: string | null;
  voice_method: string;
  voice_fallback_url: string | null;
  voice_fallback_method: string;
  status_callback: string | null;
  status_callback_method: string;
  sms_url: string | null;
  sms_method: string;
  sms_fallback_url: string | null;
  sms_fallback_method: string;
  sms_status_callback: string | null;
  message_status_callback: string | null;
}

/** Create/update params that map one-to-one onto a field (`VoiceUrl` → `voice_url`). */
const SETTABLE: Record<string, string> = {
  FriendlyName: "friendly_name",
  ApiVersion: "api_version",
  VoiceUrl: "voice_url",
  VoiceMethod: "voice_method",
  VoiceFallbackUrl: "voice_fallback_url",
  VoiceFallbackMethod: "voice_fallback_method",
  StatusCallback: "status_callback",
  StatusCallbackMethod: "status_callback_method",
  SmsUrl: "sms_url",
  SmsMethod: "sms_method",
  SmsFallbackUrl: "sms_fallback_url",
  SmsFallbackMethod: "sms_fallback_method",
  SmsStatusCallback: "sms_status_callback",
  MessageStatusCallback: "message_status_callback",
};
const BOOLEANS: Record<string, string> = {
  VoiceCallerIdLookup: "voice_caller_id_lookup",
  PublicApplicationConnectEnabled: "public_application_connect_enabled",
};

/** Twilio's error for an ApplicationSid that names no application of the account. */
export const INVALID_APPLICATION = 21218;

/** A new application with Twilio's defaults (POST everywhere, no URLs). */
export function newApplication(ctx: Context, accountSid: string): ApplicationDoc {
  const sid = ctx.sid("AP");
  const now = rfc2822(ctx.clock.now());
  return {
    account_sid: accountSid,
    api_version: "2010-04-01",
    date_created: now,
    date_updated: now,
    friendly_name: null,
    message_status_callback: null,
    sid,
    sms_fallback_method: "POST",
    sms_fallback_url: null,
    sms_method: "POST",
    sms_status_callback: null,
    sms_url: null,
    status_callback: null,
    status_callback_method: "POST",
    uri: `/2010-04-01/Accounts/${accountSid}/Applications/${sid}.json`,
    voice_caller_id_lookup: false,
    voice_fallback_method: "POST",
    voice_fallback_url: null,
    voice_method: "POST",
    voice_url: null,
    public_application_connect_enabled: true,
  };
}

/** Copies create/update params onto the document; an empty string clears a URL. */
export function applyApplicationParams(doc: ApplicationDoc, params: Params): void {
  const fields = doc as Record<string, unknown>;
  for (const [param, field] of Object.entries(SETTABLE)) {
    const value = first(params, param);
    if (value === undefined) continue;
    if (field.endsWith("_method")) fields[field] = value.toUpperCase();
    else fields[field] = value === "" && field !== "friendly_name" ? null : value;
  }
  for (const [param, field] of Object.entries(BOOLEANS)) {
    const value = first(params, param);
    if (value !== undefined) fields[field] = value.toLowerCase() === "true";
  }
}

/** Stores a new or changed application (`key1` is its friendly name, the list filter). */
export function saveApplication(ctx: Context, doc: ApplicationDoc, isNew = false): void {
  const keys = { account_sid: doc.account_sid, key1: doc.friendly_name };
  if (isNew) ctx.store.insert("application", doc, keys);
  else ctx.store.update("application", doc, keys);
}

/** The account's application for a REST path. @throws SandboxHttpError 404 */
export function ownedApplication(ctx: Context, accountSid: string, sid: string, rawPath: string): ApplicationDoc {
  const doc = ctx.store.get<ApplicationDoc>("application", sid);
  if (!doc || doc.account_sid !== accountSid) throw notFound(rawPath);
  return doc;
}

/**
 * The account's application named by an `ApplicationSid`-like parameter.
 * @throws SandboxHttpError 400 (21218) when the account has no such application
 */
export function applicationFor(ctx: Context, accountSid: string, sid: string, param = "ApplicationSid"): ApplicationDoc {
  const doc = /^AP[0-9a-fA-F]{32}$/.test(sid) ? ctx.store.get<ApplicationDoc>("application", sid) : undefined;
  if (!doc || doc.account_sid !== accountSid) throw badRequest(INVALID_APPLICATION, `${param} ${sid} is not an application of account ${accountSid}`);
  return doc;
}

/** The voice webhooks a call uses when an application answers it. */
export interface VoiceTarget {
  applicationSid: string;
  url: string | null;
  method: string;
  fallbackUrl: string | null;
  fallbackMethod: string;
  statusCallback: string | null;
  statusCallbackMethod: string;
}

/** What a call handed to an application uses: the app's voice URLs, methods and status callback. */
export function voiceTargetOf(app: ApplicationDoc): VoiceTarget {
  return {
    applicationSid: app.sid,
    url: app.voice_url,
    method: app.voice_method,
    fallbackUrl: app.voice_fallback_url,
    fallbackMethod: app.voice_fallback_method,
    statusCallback: app.status_callback,
    statusCallbackMethod: app.status_callback_method,
  };
}

/**
 * The application a number hands its voice or SMS traffic to, if any. A number pointing at an
 * application that no longer exists falls back to its own URLs (deleting an app clears the
 * references, so this only happens with data from before that).
 */
export function numberApplication(ctx: Context, accountSid: string, sid: unknown): ApplicationDoc | undefined {
  if (typeof sid !== "string" || !sid) return undefined;
  const doc = ctx.store.get<ApplicationDoc>("application", sid);
  return doc && doc.account_sid === accountSid ? doc : undefined;
}
