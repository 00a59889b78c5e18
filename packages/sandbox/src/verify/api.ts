// Verify v2: Services, Verifications and VerificationChecks, with Twilio's lifecycle rules (a pending
// verification is reused for the same To, expires after 10 virtual minutes, allows 5 sends and 5
// wrong checks). Codes never appear in Verify responses: read them through the control API
// (`GET /_sandbox/verify/codes`), the `verify.code` event or the handle's `verificationCode(to)`.
import { createHash } from "node:crypto";
import { assertAccess } from "../accounts/api.js";
import type { Context } from "../engine/context.js";
import { pageOf, toWire } from "../engine/context.js";
import { SandboxHttpError } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import type { Doc } from "../engine/store.js";
import { first, isE164, iso8601, type Params } from "../engine/util.js";

/** Verify's "invalid parameter" code (https://www.twilio.com/docs/api/errors/60200). */
export const VERIFY_INVALID_PARAMETER = 60200;
/** Verify's "max check attempts reached" code. */
export const MAX_CHECK_ATTEMPTS = 60202;
/** Verify's "max send attempts reached" code. */
export const MAX_SEND_ATTEMPTS = 60203;

/** How long a verification (and its code) lives, in virtual milliseconds (Twilio: 10 minutes). */
export const VERIFICATION_TTL_MS = 10 * 60_000;
/** Sends allowed to one To of one service within `VERIFICATION_TTL_MS`. */
const MAX_SENDS = 5;
/** Wrong checks a verification tolerates; the next check answers 60202. */
const MAX_CHECKS = 5;

const ORIGIN = "https://verify.twilio.com";
const CHANNELS = new Set(["sms", "call", "email", "whatsapp", "sna", "auto"]);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SERVICE_SUBRESOURCES: Record<string, string> = {
  verification_checks: "VerificationCheck",
  verifications: "Verifications",
  rate_limits: "RateLimits",
  messaging_configurations: "MessagingConfigurations",
  entities: "Entities",
  webhooks: "Webhooks",
  access_tokens: "AccessTokens",
};

/** A stored Verify service. */
export interface VerifyServiceDoc extends Doc {
  account_sid: string;
  friendly_name: string;
  code_length: number;
  custom_code_enabled: boolean;
  lookup_enabled: boolean;
}

/** One send of a verification's code. */
interface SendAttempt {
  attempt_sid: string;
  channel: string;
  time: string;
}

/** A stored verification; `_code` and the counters stay inside the sandbox. */
export interface VerificationDoc extends Doc {
  service_sid: string;
  account_sid: string;
  to: string;
  channel: string;
  status: "pending" | "approved" | "canceled" | "max_attempts_reached" | "expired";
  valid: boolean;
  send_code_attempts: SendAttempt[];
  date_created: string;
  date_updated: string;
  _code: string;
  _createdMs: number;
  _sendTimesMs: number[];
  _failedChecks: number;
}

/** What the control API and the handle tell about a sent code. */
export interface VerificationCodeInfo {
  to: string;
  channel: string;
  code: string;
  status: string;
  serviceSid: string;
  verificationSid: string;
  accountSid: string;
  dateCreated: string;
}

function invalid(message: string): SandboxHttpError {
  return new SandboxHttpError(400, VERIFY_INVALID_PARAMETER, message);
}

// Verify answers unknown or foreign resources with its own path in the message.
function notFoundVerify(path: string): SandboxHttpError {
  return new SandboxHttpError(404, 20404, `The requested resource ${path} was not found`);
}

function bool(params: Params, name: string): boolean | undefined {
  const value = first(params, name);
  if (value === undefined) return undefined;
  if (!/^(true|false)$/i.test(value)) throw invalid(`Invalid parameter ${name}: ${JSON.stringify(value)} is not true or false`);
  return value.toLowerCase() === "true";
}

function integer(params: Params, name: string, min: number, max: number): number | undefined {
  const value = first(params, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,3}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw invalid(`Invalid parameter ${name}: must be an integer between ${min} and ${max}`);
  }
  return Number(value);
}

function sidParam(params: Params, name: string, prefix: string): string | undefined {
  const value = first(params, name);
  if (value === undefined) return undefined;
  if (!new RegExp(`^${prefix}[0-9a-fA-F]{32}$`).test(value)) throw invalid(`Invalid parameter ${name}: ${JSON.stringify(value)} is not a ${prefix} SID`);
  return value;
}

function text(params: Params, name: string, maxLength = 256): string | undefined {
  const value = first(params, name);
  if (value !== undefined && value.length > maxLength) throw invalid(`Invalid parameter ${name}: longer than ${maxLength} characters`);
  return value;
}

function serviceUrl(sid: string): string {
  return `${ORIGIN}/v2/Services/${sid}`;
}

/** Applies the create/update params of a service (all validated before anything changes). */
function applyServiceParams(doc: Record<string, any>, params: Params): void {
  const friendlyName = text(params, "FriendlyName", 32);
  if (friendlyName !== undefined && friendlyName.trim() === "") throw invalid("Invalid parameter FriendlyName: must not be empty");
  const changes: Record<string, unknown> = {
    friendly_name: friendlyName,
    code_length: integer(params, "CodeLength", 4, 10),
    lookup_enabled: bool(params, "LookupEnabled"),
    skip_sms_to_landlines: bool(params, "SkipSmsToLandlines"),
    dtmf_input_required: bool(params, "DtmfInputRequired"),
    tts_name: text(params, "TtsName"),
    psd2_enabled: bool(params, "Psd2Enabled"),
    do_not_share_warning_enabled: bool(params, "DoNotShareWarningEnabled"),
    custom_code_enabled: bool(params, "CustomCodeEnabled"),
    default_template_sid: sidParam(params, "DefaultTemplateSid", "HJ"),
    verify_event_subscription_enabled: bool(params, "VerifyEventSubscriptionEnabled"),
  };
  const push = {
    include_date: bool(params, "Push.IncludeDate"),
    apn_credential_sid: sidParam(params, "Push.ApnCredentialSid", "CR"),
    fcm_credential_sid: sidParam(params, "Push.FcmCredentialSid", "CR"),
  };
  const totp = {
    issuer: text(params, "Totp.Issuer"),
    time_step: integer(params, "Totp.TimeStep", 20, 60),
    code_length: integer(params, "Totp.CodeLength", 3, 8),
    skew: integer(params, "Totp.Skew", 0, 2),
  };
  const whatsapp = { msg_service_sid: sidParam(params, "Whatsapp.MsgServiceSid", "MG"), from: text(params, "Whatsapp.From") };
  for (const [field, value] of Object.entries(changes)) if (value !== undefined) doc[field] = value;
  for (const [group, values] of [["push", push], ["totp", totp], ["whatsapp", whatsapp]] as const) {
    for (const [field, value] of Object.entries(values)) if (value !== undefined) doc[group][field] = value;
  }
}

function saveService(ctx: Context, doc: VerifyServiceDoc, isNew: boolean): void {
  const keys = { account_sid: doc.account_sid, key1: doc.friendly_name, date_ms: Date.parse(doc.date_created as string) };
  if (isNew) ctx.store.insert("verify_service", doc, keys);
  else ctx.store.update("verify_service", doc, keys);
}

function ownedService(ctx: Context, accountSid: string, sid: string, rawPath: string): VerifyServiceDoc {
  const doc = ctx.store.get<VerifyServiceDoc>("verify_service", sid);
  if (!doc || doc.account_sid !== accountSid) throw notFoundVerify(rawPath);
  return doc;
}

function saveVerification(ctx: Context, doc: VerificationDoc, isNew: boolean): void {
  const keys = { account_sid: doc.account_sid, parent_sid: doc.service_sid, key1: doc.to, key2: doc.status, date_ms: doc._createdMs };
  if (isNew) ctx.store.insert("verification", doc, keys);
  else ctx.store.update("verification", doc, keys);
}

/** Marks a pending verification older than 10 virtual minutes as expired (stored lazily, on read). */
function settle(ctx: Context, doc: VerificationDoc): VerificationDoc {
  const now = ctx.clock.now();
  if (doc.status === "pending" && now - doc._createdMs >= VERIFICATION_TTL_MS) {
    doc.status = "expired";
    doc.date_updated = iso8601(doc._createdMs + VERIFICATION_TTL_MS);
    saveVerification(ctx, doc, false);
  }
  return doc;
}

/** The live (pending, unexpired) verification of a To in a service, if any. */
function pendingFor(ctx: Context, serviceSid: string, to: string): VerificationDoc | undefined {
  const rows = ctx.store.list<VerificationDoc>("verification", { parentSid: serviceSid, key1: to, key2: "pending", order: "desc", limit: 10 });
  let live: VerificationDoc | undefined;
  for (const row of rows) if (settle(ctx, row.doc).status === "pending") live ??= row.doc;
  return live;
}

function verificationWire(doc: VerificationDoc): Record<string, unknown> {
  return toWire(doc);
}

function checkWire(doc: VerificationDoc): Record<string, unknown> {
  return {
    sid: doc.sid,
    service_sid: doc.service_sid,
    account_sid: doc.account_sid,
    to: doc.to,
    channel: doc.channel,
    status: doc.status,
    valid: doc.valid,
    amount: doc.amount ?? null,
    payee: doc.payee ?? null,
    date_created: doc.date_created,
    date_updated: doc.date_updated,
    sna_attempts_error_codes: [],
  };
}

/** Digits of the service's length from a SID-factory draw: reproducible when the sandbox is seeded, unguessable otherwise. */
function makeCode(ctx: Context, length: number): string {
  const digest = createHash("sha256").update(ctx.sid("")).digest();
  return (BigInt(`0x${digest.toString("hex")}`) % 10n ** BigInt(length)).toString().padStart(length, "0");
}

function validateTo(to: string | undefined, channel: string): string {
  if (to === undefined || to.trim() === "") throw invalid("Invalid parameter To: a To phone number or email is required");
  if (channel === "email") {
    if (!EMAIL.test(to) || to.length > 320) throw invalid(`Invalid parameter To: ${JSON.stringify(to)} is not an email address`);
  } else if (!isE164(to)) {
    throw invalid(`Invalid parameter To: ${JSON.stringify(to)} is not an E.164 phone number`);
  }
  return to;
}

const createVerification: Handler = ({ ctx, params, path, principal, rawPath }) => {
  const account = assertAccess(ctx, principal, principal.accountSid);
  const service = ownedService(ctx, account.sid, path.ServiceSid!, rawPath);
  const rawChannel = first(params, "Channel");
  if (rawChannel === undefined) throw invalid("Invalid parameter Channel: a Channel is required");
  if (!CHANNELS.has(rawChannel)) throw invalid(`Invalid parameter Channel: ${JSON.stringify(rawChannel)} is not one of sms, call, email, whatsapp, sna, auto`);
  // `auto` picks a channel for the number; for the sandbox that is always SMS
  const channel = rawChannel === "auto" ? "sms" : rawChannel;
  const to = validateTo(first(params, "To"), channel);
  const customCode = first(params, "CustomCode");
  if (customCode !== undefined) {
    if (!service.custom_code_enabled) throw invalid("Invalid parameter CustomCode: custom codes are not enabled for this service (CustomCodeEnabled)");
    if (!/^[0-9A-Za-z]{4,10}$/.test(customCode)) throw invalid("Invalid parameter CustomCode: 4 to 10 letters or digits");
  }
  const locale = text(params, "Locale", 16);
  if (locale !== undefined && !/^[a-z]{2}(-[A-Za-z]{2,4})?$/.test(locale)) throw invalid(`Invalid parameter Locale: ${JSON.stringify(locale)}`);
  const amount = text(params, "Amount");
  const payee = text(params, "Payee");
  if ((amount !== undefined || payee !== undefined) && !service.psd2_enabled) throw invalid("Invalid parameter Amount/Payee: PSD2 is not enabled for this service (Psd2Enabled)");

  const nowMs = ctx.clock.now();
  // 5 sends to one To within 10 minutes, whichever verifications they belong to
  const recent = ctx.store.list<VerificationDoc>("verification", { parentSid: service.sid, key1: to, dateFrom: nowMs - VERIFICATION_TTL_MS, order: "desc", limit: 50 });
  const sends = recent.reduce((count, row) => count + row.doc._sendTimesMs.filter((ms) => nowMs - ms < VERIFICATION_TTL_MS).length, 0);
  if (sends >= MAX_SENDS) throw new SandboxHttpError(429, MAX_SEND_ATTEMPTS, "Max send attempts reached");

  const now = iso8601(nowMs);
  const attempt: SendAttempt = { attempt_sid: ctx.sid("VL"), channel, time: now };
  // Twilio reuses the pending verification of the same To (same SID, same code) and records the resend
  let doc = pendingFor(ctx, service.sid, to);
  const isNew = doc === undefined;
  if (doc) {
    doc.channel = channel;
    doc.send_code_attempts.push(attempt);
    doc._sendTimesMs.push(nowMs);
    doc.date_updated = now;
    if (customCode !== undefined) doc._code = customCode;
  } else {
    const sid = ctx.sid("VE");
    doc = {
      sid,
      service_sid: service.sid,
      account_sid: account.sid,
      to,
      channel,
      status: "pending",
      valid: false,
      lookup: service.lookup_enabled && channel !== "email" ? { carrier: { error_code: null, name: "Sandbox Mobile", mobile_country_code: "310", mobile_network_code: "000", type: "mobile" } } : {},
      amount: amount ?? null,
      payee: payee ?? null,
      send_code_attempts: [attempt],
      date_created: now,
      date_updated: now,
      sna: null,
      url: `${serviceUrl(service.sid)}/Verifications/${sid}`,
      _code: customCode ?? makeCode(ctx, service.code_length),
      _createdMs: nowMs,
      _sendTimesMs: [nowMs],
      _failedChecks: 0,
      _locale: locale ?? null,
    };
  }
  saveVerification(ctx, doc, isNew);
  ctx.events.emit({ type: "verify.code", at: nowMs, to, channel, code: doc._code, serviceSid: service.sid, verificationSid: doc.sid });
  return { status: 201, body: verificationWire(doc) };
};

function liveVerification(ctx: Context, accountSid: string, serviceSid: string, sid: string, rawPath: string): VerificationDoc {
  const doc = ctx.store.get<VerificationDoc>("verification", sid);
  if (!doc || doc.account_sid !== accountSid || doc.service_sid !== serviceSid) throw notFoundVerify(rawPath);
  // Twilio deletes a verification once it is approved, canceled, expired or out of checks
  if (settle(ctx, doc).status !== "pending") throw notFoundVerify(rawPath);
  return doc;
}

export const verifyHandlers: Record<string, Handler> = {
  CreateService({ ctx, params, principal }) {
    const account = assertAccess(ctx, principal, principal.accountSid);
    if (first(params, "FriendlyName") === undefined) throw invalid("Missing required parameter FriendlyName in the post body");
    const sid = ctx.sid("VA");
    const now = iso8601(ctx.clock.now());
    const url = serviceUrl(sid);
    const doc: VerifyServiceDoc = {
      sid,
      account_sid: account.sid,
      friendly_name: "",
      code_length: 6,
      lookup_enabled: false,
      psd2_enabled: false,
      skip_sms_to_landlines: false,
      dtmf_input_required: true,
      tts_name: null,
      do_not_share_warning_enabled: false,
      custom_code_enabled: false,
      push: { include_date: false, apn_credential_sid: null, fcm_credential_sid: null },
      totp: { issuer: null, time_step: 30, code_length: 6, skew: 1 },
      default_template_sid: null,
      whatsapp: { msg_service_sid: null, from: null },
      passkeys: null,
      verify_event_subscription_enabled: false,
      date_created: now,
      date_updated: now,
      url,
      links: Object.fromEntries(Object.entries(SERVICE_SUBRESOURCES).map(([key, segment]) => [key, `${url}/${segment}`])),
    };
    applyServiceParams(doc, params);
    // Twilio's TOTP issuer defaults to the service's friendly name
    (doc.totp as Record<string, unknown>).issuer ??= doc.friendly_name;
    saveService(ctx, doc, true);
    ctx.events.emit({ type: "verify.service.created", at: ctx.clock.now(), sid });
    return { status: 201, body: toWire(doc) };
  },
  ListService({ ctx, params, principal }) {
    const account = assertAccess(ctx, principal, principal.accountSid);
    const pageSize = first(params, "PageSize");
    if (pageSize !== undefined && (!/^\d{1,4}$/.test(pageSize) || Number(pageSize) < 1 || Number(pageSize) > 1000)) throw invalid("Invalid parameter PageSize: 1 to 1000");
    const page = first(params, "Page");
    if (page !== undefined && !/^\d{1,6}$/.test(page)) throw invalid("Invalid parameter Page: a non-negative integer");
    const body = pageOf(ctx.store, params, {
      kind: "verify_service",
      path: "/v2/Services",
      listKey: "services",
      filters: {},
      query: { accountSid: account.sid, order: "asc" },
      envelope: "meta",
      origin: ORIGIN,
    });
    return { status: 200, body };
  },
  FetchService({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, principal.accountSid);
    return { status: 200, body: toWire(ownedService(ctx, account.sid, path.Sid!, rawPath)) };
  },
  UpdateService({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, principal.accountSid);
    const doc = ownedService(ctx, account.sid, path.Sid!, rawPath);
    applyServiceParams(doc, params);
    doc.date_updated = iso8601(ctx.clock.now());
    saveService(ctx, doc, false);
    return { status: 200, body: toWire(doc) };
  },
  DeleteService({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, principal.accountSid);
    const doc = ownedService(ctx, account.sid, path.Sid!, rawPath);
    ctx.store.transaction(() => {
      ctx.store.removeChildren("verification", doc.sid);
      ctx.store.remove("verify_service", doc.sid);
    });
    return { status: 204 };
  },
  CreateVerification: createVerification,
  FetchVerification({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, principal.accountSid);
    ownedService(ctx, account.sid, path.ServiceSid!, rawPath);
    return { status: 200, body: verificationWire(liveVerification(ctx, account.sid, path.ServiceSid!, path.Sid!, rawPath)) };
  },
  UpdateVerification({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, principal.accountSid);
    ownedService(ctx, account.sid, path.ServiceSid!, rawPath);
    const status = first(params, "Status");
    if (status === undefined) throw invalid("Missing required parameter Status in the post body");
    if (status !== "canceled" && status !== "approved") throw invalid(`Invalid parameter Status: ${JSON.stringify(status)} is not one of canceled, approved`);
    const doc = liveVerification(ctx, account.sid, path.ServiceSid!, path.Sid!, rawPath);
    doc.status = status;
    doc.valid = status === "approved";
    doc.date_updated = iso8601(ctx.clock.now());
    saveVerification(ctx, doc, false);
    ctx.events.emit({ type: "verify.status", at: ctx.clock.now(), sid: doc.sid, status });
    return { status: 200, body: verificationWire(doc) };
  },
  CreateVerificationCheck({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, principal.accountSid);
    const service = ownedService(ctx, account.sid, path.ServiceSid!, rawPath);
    const code = first(params, "Code");
    if (code === undefined || code === "") throw invalid("Invalid parameter Code: a Code is required");
    if (code.length > 64) throw invalid("Invalid parameter Code: too long");
    const verificationSid = sidParam(params, "VerificationSid", "VE");
    const to = first(params, "To");
    if (verificationSid === undefined && to === undefined) throw invalid("Invalid parameter: either To or VerificationSid must be specified");
    let doc: VerificationDoc | undefined;
    if (verificationSid !== undefined) {
      const found = ctx.store.get<VerificationDoc>("verification", verificationSid);
      if (found && found.service_sid === service.sid && found.account_sid === account.sid && settle(ctx, found).status === "pending") doc = found;
    } else {
      doc = pendingFor(ctx, service.sid, to!);
    }
    if (!doc) throw notFoundVerify(rawPath);
    const nowMs = ctx.clock.now();
    if (doc._failedChecks >= MAX_CHECKS) {
      doc.status = "max_attempts_reached";
      doc.date_updated = iso8601(nowMs);
      saveVerification(ctx, doc, false);
      throw new SandboxHttpError(429, MAX_CHECK_ATTEMPTS, "Max check attempts reached");
    }
    if (code === doc._code) {
      doc.status = "approved";
      doc.valid = true;
      doc.date_updated = iso8601(nowMs);
    } else {
      doc._failedChecks++;
    }
    saveVerification(ctx, doc, false);
    ctx.events.emit({ type: "verify.check", at: nowMs, sid: doc.sid, to: doc.to, valid: doc.valid, status: doc.status });
    return { status: 200, body: checkWire(doc) };
  },
};

/**
 * Codes sent so far, newest first: of one To and/or service, or every one (up to `limit`).
 * Expired, approved and canceled verifications are listed too, with their status.
 */
export function verificationCodes(ctx: Context, filter: { to?: string; serviceSid?: string; verificationSid?: string; limit?: number }): VerificationCodeInfo[] {
  let docs: VerificationDoc[];
  if (filter.verificationSid !== undefined) {
    const doc = ctx.store.get<VerificationDoc>("verification", filter.verificationSid);
    docs = doc && (filter.to === undefined || doc.to === filter.to) && (filter.serviceSid === undefined || doc.service_sid === filter.serviceSid) ? [doc] : [];
  } else {
    docs = ctx.store.list<VerificationDoc>("verification", { key1: filter.to, parentSid: filter.serviceSid, order: "desc", limit: filter.limit ?? 100 }).map((row) => row.doc);
  }
  return docs
    .map((doc) => settle(ctx, doc))
    .map((doc) => ({
      to: doc.to,
      channel: doc.channel,
      code: doc._code,
      status: doc.status,
      serviceSid: doc.service_sid,
      verificationSid: doc.sid,
      accountSid: doc.account_sid,
      dateCreated: doc.date_created,
    }));
}

/** The code of the newest verification sent to `to` (optionally in one service), or undefined. */
export function latestVerificationCode(ctx: Context, to: string, serviceSid?: string): string | undefined {
  return verificationCodes(ctx, { to, serviceSid, limit: 1 })[0]?.code;
}
