// Messaging Services v1: services, their sender pools (PhoneNumbers), the sender picked for a message
// sent through a service, and the service a number belongs to (for inbound routing).
import type { Context } from "../engine/context.js";
import { pageOf, toWire } from "../engine/context.js";
import { badRequest, INVALID_PARAMETER, notFound } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import type { NumberDoc } from "../numbers/api.js";
import type { Doc } from "../engine/store.js";
import { bareNumber, first, iso8601, type Params } from "../engine/util.js";

const ORIGIN = "https://messaging.twilio.com";

/** A stored Messaging Service: exactly the wire object (`messaging.v1.service`). */
export interface ServiceDoc extends Doc {
  account_sid: string;
  friendly_name: string;
  inbound_request_url: string | null;
  inbound_method: string;
  fallback_url: string | null;
  fallback_method: string;
  status_callback: string | null;
  sticky_sender: boolean;
  use_inbound_webhook_on_number: boolean;
}

/** A sender of a pool. Stored under `pool:{PN sid}` (a number is in one service at most); the wire `sid` is the PN sid. */
interface SenderDoc extends Doc {
  account_sid: string;
  service_sid: string;
  date_created: string;
  date_updated: string;
  phone_number: string;
  country_code: string;
  capabilities: string[];
  _pn: string;
}

// Params that map one-to-one onto a field, with their types.
const STRINGS: Record<string, string> = {
  FriendlyName: "friendly_name",
  InboundRequestUrl: "inbound_request_url",
  FallbackUrl: "fallback_url",
  StatusCallback: "status_callback",
  ScanMessageContent: "scan_message_content",
  Usecase: "usecase",
};
const METHODS: Record<string, string> = { InboundMethod: "inbound_method", FallbackMethod: "fallback_method" };
const BOOLEANS: Record<string, string> = {
  StickySender: "sticky_sender",
  MmsConverter: "mms_converter",
  SmartEncoding: "smart_encoding",
  FallbackToLongCode: "fallback_to_long_code",
  AreaCodeGeomatch: "area_code_geomatch",
  SynchronousValidation: "synchronous_validation",
  UseInboundWebhookOnNumber: "use_inbound_webhook_on_number",
};
const URL_FIELDS = new Set(["inbound_request_url", "fallback_url", "status_callback"]);

function serviceKeys(doc: ServiceDoc) {
  return { account_sid: doc.account_sid, key1: doc.friendly_name };
}

function applyParams(doc: ServiceDoc, params: Params): void {
  const record = doc as Record<string, unknown>;
  for (const [param, field] of Object.entries(STRINGS)) {
    const value = first(params, param);
    // an empty URL clears it
    if (value !== undefined) record[field] = URL_FIELDS.has(field) && value === "" ? null : value;
  }
  for (const [param, field] of Object.entries(METHODS)) {
    const value = first(params, param);
    if (value !== undefined) record[field] = value.toUpperCase();
  }
  for (const [param, field] of Object.entries(BOOLEANS)) {
    const value = first(params, param);
    if (value !== undefined) record[field] = value.toLowerCase() === "true";
  }
  const validity = first(params, "ValidityPeriod");
  if (validity !== undefined) {
    const seconds = Number(validity);
    if (seconds < 1 || seconds > 36_000) throw badRequest(21626, `ValidityPeriod must be between 1 and 36000 seconds, got ${validity}`);
    record.validity_period = seconds;
  }
  if (doc.friendly_name === "") throw badRequest(INVALID_PARAMETER, "FriendlyName must not be empty");
  if (doc.friendly_name.length > 64) throw badRequest(INVALID_PARAMETER, "FriendlyName must be at most 64 characters");
}

/** A service of this account, or undefined (unknown, or another account's). */
export function findService(ctx: Context, accountSid: string, serviceSid: string): ServiceDoc | undefined {
  const doc = ctx.store.get<ServiceDoc>("messaging_service", serviceSid);
  return doc && doc.account_sid === accountSid ? doc : undefined;
}

function ownedService(ctx: Context, accountSid: string, sid: string, rawPath: string): ServiceDoc {
  const doc = findService(ctx, accountSid, sid);
  if (!doc) throw notFound(rawPath);
  return doc;
}

function poolKey(pnSid: string): string {
  return `pool:${pnSid}`;
}

function wireSender(doc: SenderDoc): Record<string, unknown> {
  return {
    sid: doc._pn,
    account_sid: doc.account_sid,
    service_sid: doc.service_sid,
    date_created: doc.date_created,
    date_updated: doc.date_updated,
    phone_number: doc.phone_number,
    country_code: doc.country_code,
    capabilities: doc.capabilities,
    url: `${ORIGIN}/v1/Services/${doc.service_sid}/PhoneNumbers/${doc._pn}`,
  };
}

function senders(ctx: Context, service: ServiceDoc): SenderDoc[] {
  return ctx.store.list<SenderDoc>("service_sender", { accountSid: service.account_sid, parentSid: service.sid, limit: 1000, order: "asc" }).map((row) => row.doc);
}

/** The service whose pool holds this owned number, if any (inbound routing). */
export function serviceOfNumber(ctx: Context, number: NumberDoc): ServiceDoc | undefined {
  const sender = ctx.store.get<SenderDoc>("service_sender", poolKey(number.sid));
  if (!sender) return undefined;
  return findService(ctx, number.account_sid, sender.service_sid);
}

/**
 * The sender of a message sent through a service: with `from`, checks that it is in the pool;
 * otherwise the sticky sender of this `to` (Sticky Sender on) or the first of the pool.
 * @throws SandboxHttpError 400: 21705 unknown service, 21704 empty pool, 21606 `from` outside the pool
 */
export function senderOf(ctx: Context, accountSid: string, serviceSid: string, to: string, from: string | undefined): { service: ServiceDoc; from: string } {
  const service = findService(ctx, accountSid, serviceSid);
  if (!service) throw badRequest(21705, `The Messaging Service Sid ${serviceSid} is invalid.`);
  // a number deleted from the account since it joined the pool no longer sends
  const pool = senders(ctx, service).filter((sender) => ctx.store.cached<NumberDoc>("number", sender._pn)?.account_sid === accountSid);
  if (pool.length === 0) throw badRequest(21704, `The Messaging Service ${serviceSid} contains no phone numbers.`);
  if (from !== undefined && from !== "") {
    const wanted = bareNumber(from);
    if (!pool.some((sender) => sender.phone_number === wanted)) {
      throw badRequest(21606, `The 'From' phone number provided (${from}) is not in the sender pool of Messaging Service ${serviceSid}.`);
    }
    return { service, from };
  }
  if (!service.sticky_sender) return { service, from: pool[0]!.phone_number };
  const key = `sticky:${serviceSid}:${bareNumber(to)}`;
  const sticky = ctx.store.meta(key);
  if (sticky !== undefined && pool.some((sender) => sender.phone_number === sticky)) return { service, from: sticky };
  const chosen = pool[0]!.phone_number;
  ctx.store.setMeta(key, chosen);
  return { service, from: chosen };
}

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
    ctx.store.insert("service_sender", doc, { account_sid: doc.account_sid, parent_sid: service.sid, key1: doc.phone_number });
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
