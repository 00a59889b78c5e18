// Verifications (`/v2/Services/{ServiceSid}/Verifications`): send (reusing a pending one), fetch, cancel or approve.
import { assertAccess } from "../accounts/auth.js";
import type { Context } from "../engine/context.js";
import { first, iso8601 } from "../engine/util.js";
import { SandboxHttpError } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import { invalid, notFoundVerify, text } from "./params.js";
import { ownedService, serviceUrl } from "./service.js";
import { CHANNELS, makeCode, MAX_SEND_ATTEMPTS, MAX_SENDS, pendingFor, saveVerification, settle, validateTo, verificationWire, VERIFICATION_TTL_MS, type SendAttempt, type VerificationDoc } from "./verification.js";
import { keyColumns } from "../engine/keys.js";

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
  const recent = ctx.store.list<VerificationDoc>("verification", { parentSid: service.sid, ...keyColumns("verification", { to }), dateFrom: nowMs - VERIFICATION_TTL_MS, order: "desc", limit: 50 });
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

/** Handlers of the Verification operations. */
export const verificationHandlers: Record<string, Handler> = {
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
};
