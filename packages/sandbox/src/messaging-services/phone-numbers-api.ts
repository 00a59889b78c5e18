// A service's sender pool (`/v1/Services/{ServiceSid}/PhoneNumbers`): add, list, fetch, remove.
import { pageOf } from "../engine/context.js";
import { first, iso8601 } from "../engine/util.js";
import { badRequest, notFound } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import type { NumberDoc } from "../numbers/number.js";
import { ORIGIN, ownedService, poolKey, wireSender, type SenderDoc } from "./service.js";
import { keyColumns } from "../engine/keys.js";

/** Handlers of the PhoneNumber operations of a service. */
export const phoneNumberHandlers: Record<string, Handler> = {

  CreatePhoneNumber({ ctx, params, path, principal, rawPath }) {
    const service = ownedService(ctx, principal.accountSid, path.ServiceSid!, rawPath);
    const pnSid = first(params, "PhoneNumberSid")!;
    const number = ctx.store.get<NumberDoc>("number", pnSid);
    if (!number || number.account_sid !== service.account_sid) {
      throw badRequest(21421, `PhoneNumberSid ${pnSid} is not an IncomingPhoneNumber of this account`);
    }
    const existing = ctx.store.get<SenderDoc>("service_sender", poolKey(pnSid));
    if (existing) {
      if (existing.service_sid === service.sid) throw badRequest(21710, `Phone Number ${number.phone_number} is already in Messaging Service ${service.sid}`);
      throw badRequest(21712, `Phone Number ${number.phone_number} is associated with another Messaging Service (${existing.service_sid})`);
    }
    const capabilities = number.capabilities as { sms?: boolean; mms?: boolean; voice?: boolean; fax?: boolean } | undefined;
    if (capabilities && !capabilities.sms && !capabilities.mms) {
      throw badRequest(21715, `Phone Number ${number.phone_number} has neither SMS nor MMS capability`);
    }
    const now = iso8601(ctx.clock.now());
    const doc: SenderDoc = {
      sid: poolKey(pnSid),
      account_sid: service.account_sid,
      service_sid: service.sid,
      date_created: now,
      date_updated: now,
      phone_number: number.phone_number,
      country_code: number.phone_number.startsWith("+1") ? "US" : "",
      capabilities: [
        ...(capabilities?.mms ? ["MMS"] : []),
        ...(capabilities?.sms ? ["SMS"] : []),
        ...(capabilities?.voice ? ["Voice"] : []),
      ],
      _pn: pnSid,
    };
    ctx.store.insert("service_sender", doc, { account_sid: doc.account_sid, parent_sid: service.sid, ...keyColumns("service_sender", { phoneNumber: doc.phone_number }) });
    return { status: 201, body: wireSender(doc) };
  },
  ListPhoneNumber({ ctx, params, path, principal, rawPath }) {
    const service = ownedService(ctx, principal.accountSid, path.ServiceSid!, rawPath);
    const body = pageOf(ctx.store, params, {
      kind: "service_sender",
      path: `/v1/Services/${service.sid}/PhoneNumbers`,
      listKey: "phone_numbers",
      filters: {},
      query: { accountSid: service.account_sid, parentSid: service.sid, order: "asc" },
      map: (doc) => wireSender(doc as SenderDoc),
      envelope: "meta",
      origin: ORIGIN,
    });
    return { status: 200, body };
  },
  FetchPhoneNumber({ ctx, path, principal, rawPath }) {
    const service = ownedService(ctx, principal.accountSid, path.ServiceSid!, rawPath);
    const doc = ctx.store.get<SenderDoc>("service_sender", poolKey(path.Sid!));
    if (!doc || doc.service_sid !== service.sid) throw notFound(rawPath);
    return { status: 200, body: wireSender(doc) };
  },
  DeletePhoneNumber({ ctx, path, principal, rawPath }) {
    const service = ownedService(ctx, principal.accountSid, path.ServiceSid!, rawPath);
    const doc = ctx.store.get<SenderDoc>("service_sender", poolKey(path.Sid!));
    if (!doc || doc.service_sid !== service.sid) throw notFound(rawPath);
    ctx.store.remove("service_sender", doc.sid);
    return { status: 204 };
  },
};
