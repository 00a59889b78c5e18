// The stored Verify service: its params, wire URLs and ownership check.
import type { Context } from "../engine/context.js";
import type { Params } from "../engine/util.js";
import { bool, integer, invalid, notFoundVerify, sidParam, text } from "./params.js";
import { ORIGIN, type VerifyServiceDoc } from "./verification.js";
import { keyColumns } from "../engine/keys.js";

/** The `links` of a Verify service. */
export const SERVICE_SUBRESOURCES: Record<string, string> = {
  verification_checks: "VerificationCheck",
  verifications: "Verifications",
  rate_limits: "RateLimits",
  messaging_configurations: "MessagingConfigurations",
  entities: "Entities",
  webhooks: "Webhooks",
  access_tokens: "AccessTokens",
};

/** The absolute URL of a Verify service. */
export function serviceUrl(sid: string): string {
  return `${ORIGIN}/v2/Services/${sid}`;
}

/**
 * Applies the create/update params of a service (all validated before anything changes).
 * @throws SandboxHttpError 400 (60200) for an invalid param; nothing is applied then
 */
export function applyServiceParams(doc: Record<string, any>, params: Params): void {
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

/** Stores a new or changed Verify service. */
export function saveService(ctx: Context, doc: VerifyServiceDoc, isNew: boolean): void {
  const keys = { account_sid: doc.account_sid, ...keyColumns("verify_service", { friendlyName: doc.friendly_name }), date_ms: Date.parse(doc.date_created as string) };
  if (isNew) ctx.store.insert("verify_service", doc, keys);
  else ctx.store.update("verify_service", doc, keys);
}

/**
 * A Verify service of this account.
 * @throws SandboxHttpError 404 for an unknown SID or another account's service
 */
export function ownedService(ctx: Context, accountSid: string, sid: string, rawPath: string): VerifyServiceDoc {
  const doc = ctx.store.get<VerifyServiceDoc>("verify_service", sid);
  if (!doc || doc.account_sid !== accountSid) throw notFoundVerify(rawPath);
  return doc;
}
