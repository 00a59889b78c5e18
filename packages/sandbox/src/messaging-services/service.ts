// The stored Messaging Service and its pool senders, their params and wire shapes.
import type { Context } from "../engine/context.js";
import type { Doc } from "../engine/store.js";
import { first, type Params } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER, notFound } from "../http/errors.js";
import { keyColumns } from "../engine/keys.js";

/** Origin of the Messaging API's absolute URLs. */
export const ORIGIN = "https://messaging.twilio.com";

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
export interface SenderDoc extends Doc {
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
/** String params that map one-to-one onto a field. */
export const STRINGS: Record<string, string> = {
  FriendlyName: "friendly_name",
  InboundRequestUrl: "inbound_request_url",
  FallbackUrl: "fallback_url",
  StatusCallback: "status_callback",
  ScanMessageContent: "scan_message_content",
  Usecase: "usecase",
};
/** HTTP method params, stored upper-case. */
export const METHODS: Record<string, string> = { InboundMethod: "inbound_method", FallbackMethod: "fallback_method" };
/** Boolean params (`true`/`false`, any case). */
export const BOOLEANS: Record<string, string> = {
  StickySender: "sticky_sender",
  MmsConverter: "mms_converter",
  SmartEncoding: "smart_encoding",
  FallbackToLongCode: "fallback_to_long_code",
  AreaCodeGeomatch: "area_code_geomatch",
  SynchronousValidation: "synchronous_validation",
  UseInboundWebhookOnNumber: "use_inbound_webhook_on_number",
};
/** Fields an empty value clears to null. */
export const URL_FIELDS = new Set(["inbound_request_url", "fallback_url", "status_callback"]);

/** Indexed columns of a service: owner and friendly name. */
export function serviceKeys(doc: ServiceDoc) {
  return { account_sid: doc.account_sid, ...keyColumns("messaging_service", { friendlyName: doc.friendly_name }) };
}

/**
 * Applies the create/update params of a service.
 * @throws SandboxHttpError 400: 21626 for a ValidityPeriod outside 1–36000, 20001 for an empty or too long FriendlyName
 */
export function applyParams(doc: ServiceDoc, params: Params): void {
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

/**
 * A service of this account.
 * @throws SandboxHttpError 404 for an unknown SID or another account's service
 */
export function ownedService(ctx: Context, accountSid: string, sid: string, rawPath: string): ServiceDoc {
  const doc = findService(ctx, accountSid, sid);
  if (!doc) throw notFound(rawPath);
  return doc;
}

/** The store SID of a pool sender: one per phone number, so a number is in one pool at most. */
export function poolKey(pnSid: string): string {
  return `pool:${pnSid}`;
}

/** The wire object of a pool sender (`messaging.v1.service.phone_number`). */
export function wireSender(doc: SenderDoc): Record<string, unknown> {
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

/** The senders of a service's pool, oldest first. */
export function senders(ctx: Context, service: ServiceDoc): SenderDoc[] {
  return ctx.store.list<SenderDoc>("service_sender", { accountSid: service.account_sid, parentSid: service.sid, limit: 1000, order: "asc" }).map((row) => row.doc);
}
