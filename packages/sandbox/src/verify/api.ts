// Verify v2: Services, Verifications and VerificationChecks, with Twilio's lifecycle rules (a pending
// verification is reused for the same To, expires after 10 virtual minutes, allows 5 sends and 5
// wrong checks). Codes never appear in Verify responses: read them through the control API
// (`GET /_sandbox/verify/codes`), the `verify.code` event or the handle's `verificationCode(to)`.
import { assertAccess } from "../accounts/auth.js";
import { pageOf, toWire } from "../engine/context.js";
import { first, iso8601 } from "../engine/util.js";
import type { Handler } from "../http/handler.js";
import { invalid } from "./params.js";
import { applyServiceParams, ownedService, saveService, serviceUrl, SERVICE_SUBRESOURCES } from "./service.js";
import { ORIGIN, VERIFY_INVALID_PARAMETER, type VerifyServiceDoc } from "./verification.js";

/** Handlers of the Verify Service operations. */
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
    const body = pageOf(ctx.store, params, {
      kind: "verify_service",
      path: "/v2/Services",
      listKey: "services",
      filters: {},
      query: { accountSid: account.sid, order: "asc" },
      envelope: "meta",
      origin: ORIGIN,
      invalidCode: VERIFY_INVALID_PARAMETER,
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

};
