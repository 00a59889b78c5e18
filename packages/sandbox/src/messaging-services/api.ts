// Messaging Services v1 (`/v1/Services`): create, list, fetch, update, delete.
import { pageOf, toWire } from "../engine/context.js";
import { iso8601 } from "../engine/util.js";
import type { Handler } from "../http/handler.js";
import { applyParams, ORIGIN, ownedService, serviceKeys, type ServiceDoc } from "./service.js";

/** Handlers of the Messaging Service operations. */
export const messagingHandlers: Record<string, Handler> = {
  CreateService({ ctx, params, principal }) {
    const sid = ctx.sid("MG");
    const now = iso8601(ctx.clock.now());
    const doc: ServiceDoc = {
      sid,
      account_sid: principal.accountSid,
      friendly_name: "",
      date_created: now,
      date_updated: now,
      inbound_request_url: null,
      inbound_method: "POST",
      fallback_url: null,
      fallback_method: "POST",
      status_callback: null,
      sticky_sender: true,
      mms_converter: true,
      smart_encoding: true,
      scan_message_content: "inherit",
      fallback_to_long_code: true,
      area_code_geomatch: true,
      synchronous_validation: false,
      validity_period: 36_000,
      url: `${ORIGIN}/v1/Services/${sid}`,
      links: {
        phone_numbers: `${ORIGIN}/v1/Services/${sid}/PhoneNumbers`,
        short_codes: `${ORIGIN}/v1/Services/${sid}/ShortCodes`,
        alpha_senders: `${ORIGIN}/v1/Services/${sid}/AlphaSenders`,
        messages: `${ORIGIN}/v1/Services/${sid}/Messages`,
        us_app_to_person: `${ORIGIN}/v1/Services/${sid}/Compliance/Usa2p`,
        us_app_to_person_usecases: `${ORIGIN}/v1/Services/${sid}/Compliance/Usa2p/Usecases`,
        channel_senders: `${ORIGIN}/v1/Services/${sid}/ChannelSenders`,
        destination_alpha_senders: `${ORIGIN}/v1/Services/${sid}/DestinationAlphaSenders`,
      },
      usecase: "undeclared",
      us_app_to_person_registered: false,
      use_inbound_webhook_on_number: false,
    };
    applyParams(doc, params);
    ctx.store.insert("messaging_service", doc, serviceKeys(doc));
    return { status: 201, body: toWire(doc) };
  },
  ListService({ ctx, params, principal }) {
    const body = pageOf(ctx.store, params, {
      kind: "messaging_service",
      path: "/v1/Services",
      listKey: "services",
      filters: {},
      query: { accountSid: principal.accountSid, order: "asc" },
      envelope: "meta",
      origin: ORIGIN,
    });
    return { status: 200, body };
  },
  FetchService({ ctx, path, principal, rawPath }) {
    return { status: 200, body: toWire(ownedService(ctx, principal.accountSid, path.Sid!, rawPath)) };
  },
  UpdateService({ ctx, params, path, principal, rawPath }) {
    const doc = ownedService(ctx, principal.accountSid, path.Sid!, rawPath);
    applyParams(doc, params);
    doc.date_updated = iso8601(ctx.clock.now());
    ctx.store.update("messaging_service", doc, serviceKeys(doc));
    return { status: 200, body: toWire(doc) };
  },
  DeleteService({ ctx, path, principal, rawPath }) {
    const doc = ownedService(ctx, principal.accountSid, path.Sid!, rawPath);
    ctx.store.transaction(() => {
      ctx.store.remove("messaging_service", doc.sid);
      ctx.store.removeChildren("service_sender", doc.sid);
    });
    return { status: 204 };
  },

};
