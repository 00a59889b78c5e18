// Address Configurations (`/v1/Configuration/Addresses`): with `AutoCreation.Enabled`, an SMS from an
// address bound to no conversation, sent to a configured number, creates a conversation (in
// `AutoCreation.ConversationServiceSid`, else the default service) with that sender as a participant;
// `AutoCreation.Type=webhook` also gives it a conversation-scoped webhook.
import { assertAccess } from "../accounts/auth.js";
import { pageOf } from "../engine/context.js";
import type { Doc } from "../engine/store.js";
import { bareNumber, first, isHttpUrl, iso8601, type Params } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER } from "../http/errors.js";
import type { Handler, HandlerRequest } from "../http/handler.js";
import { findNumber } from "../numbers/number.js";
import { textParam } from "./api.js";
import { notFoundConv, ORIGIN, serviceFor } from "./model.js";
import { WEBHOOK_EVENTS } from "./webhooks.js";

const TYPES = ["sms", "whatsapp", "messenger", "gbm", "email", "rcs", "apple", "chat"];
const AUTO_TYPES = ["webhook", "studio", "default"];

/** A stored Address Configuration: exactly its wire object. */
export interface AddressDoc extends Doc {
  account_sid: string;
  type: string;
  address: string;
  friendly_name: string | null;
  auto_creation: {
    enabled: boolean;
    type: string;
    conversation_service_sid: string | null;
    webhook_url: string | null;
    webhook_method: string;
    webhook_filters: string[];
    studio_flow_sid: string | null;
    studio_retry_count: number | null;
  };
  date_created: string;
  date_updated: string;
  url: string;
  address_country: string | null;
}

const keysOf = (doc: AddressDoc) => ({ account_sid: doc.account_sid, key1: `${doc.type}:${doc.address}` });

/** The enabled SMS address configuration of a number, if any. */
export function autoCreationFor(request: Pick<HandlerRequest, "ctx">, accountSid: string, address: string): AddressDoc | undefined {
  return request.ctx.store.findByKey1<AddressDoc>("conv_address", `sms:${address}`).find((doc) => doc.account_sid === accountSid && doc.auto_creation.enabled);
}

/**
 * Applies the `AutoCreation.*` params and `FriendlyName`.
 * @throws SandboxHttpError 400 (20001) naming a bad param
 */
function applyParams(request: HandlerRequest, doc: AddressDoc, params: Params): void {
  const auto = doc.auto_creation;
  const friendlyName = textParam(params, "FriendlyName");
  if (friendlyName !== undefined) doc.friendly_name = friendlyName;
  const enabled = first(params, "AutoCreation.Enabled");
  if (enabled !== undefined) auto.enabled = enabled === "true";
  const type = first(params, "AutoCreation.Type");
  if (type !== undefined) {
    if (!AUTO_TYPES.includes(type)) throw badRequest(INVALID_PARAMETER, `AutoCreation.Type must be one of ${AUTO_TYPES.join(", ")}`);
    auto.type = type;
  }
  const serviceSid = first(params, "AutoCreation.ConversationServiceSid");
  if (serviceSid !== undefined) auto.conversation_service_sid = serviceFor(request.ctx, doc.account_sid, serviceSid).sid;
  const url = first(params, "AutoCreation.WebhookUrl");
  if (url !== undefined) {
    if (!isHttpUrl(url)) throw badRequest(INVALID_PARAMETER, "AutoCreation.WebhookUrl must be an http(s) URL");
    auto.webhook_url = url;
  }
  const method = first(params, "AutoCreation.WebhookMethod");
  if (method !== undefined) {
    if (!["GET", "POST"].includes(method.toUpperCase())) throw badRequest(INVALID_PARAMETER, "AutoCreation.WebhookMethod must be GET or POST");
    auto.webhook_method = method.toUpperCase();
  }
  if (params["AutoCreation.WebhookFilters"] !== undefined) {
    const filters = params["AutoCreation.WebhookFilters"].flatMap((value) => value.split(",")).map((value) => value.trim()).filter(Boolean);
    const unknown = filters.find((value) => !WEBHOOK_EVENTS.has(value));
    if (unknown !== undefined) throw badRequest(INVALID_PARAMETER, `Invalid AutoCreation.WebhookFilters value ${JSON.stringify(unknown.slice(0, 40))}`);
    auto.webhook_filters = [...new Set(filters)];
  }
  const flowSid = first(params, "AutoCreation.StudioFlowSid");
  if (flowSid !== undefined) auto.studio_flow_sid = flowSid;
  const retries = first(params, "AutoCreation.StudioRetryCount");
  if (retries !== undefined) {
    if (!/^[0-3]$/.test(retries)) throw badRequest(INVALID_PARAMETER, "AutoCreation.StudioRetryCount must be 0 to 3");
    auto.studio_retry_count = Number(retries);
  }
  if (auto.enabled && auto.type === "webhook" && auto.webhook_url === null) throw badRequest(INVALID_PARAMETER, "AutoCreation.WebhookUrl is required when AutoCreation.Type is webhook");
}

function loadAddress(request: HandlerRequest, accountSid: string): AddressDoc {
  const doc = request.ctx.store.get<AddressDoc>("conv_address", request.path.Sid!);
  if (!doc || doc.account_sid !== accountSid) throw notFoundConv("Address Configuration", request.path.Sid!);
  return doc;
}

export const addressHandlers: Record<string, Handler> = {
  CreateConfigurationAddress(request) {
    const { ctx, params, principal } = request;
    const account = assertAccess(ctx, principal, principal.accountSid);
    const type = first(params, "Type");
    const address = first(params, "Address");
    if (type === undefined || !TYPES.includes(type)) throw badRequest(INVALID_PARAMETER, `Type must be one of ${TYPES.join(", ")}`);
    if (address === undefined || address === "") throw badRequest(INVALID_PARAMETER, "Missing required parameter Address in the post body");
    if (type === "sms" && findNumber(ctx, bareNumber(address))?.account_sid !== account.sid) throw badRequest(INVALID_PARAMETER, `Address ${JSON.stringify(address.slice(0, 40))} is not a phone number of this account`);
    if (ctx.store.findByKey1<AddressDoc>("conv_address", `${type}:${address}`).some((doc) => doc.account_sid === account.sid)) throw badRequest(INVALID_PARAMETER, `An address configuration for ${type} ${address} already exists`);
    const sid = ctx.sid("IG");
    const now = iso8601(ctx.clock.now());
    const doc: AddressDoc = {
      sid,
      account_sid: account.sid,
      type,
      address,
      friendly_name: null,
      auto_creation: { enabled: false, type: "default", conversation_service_sid: null, webhook_url: null, webhook_method: "POST", webhook_filters: [], studio_flow_sid: null, studio_retry_count: null },
      date_created: now,
      date_updated: now,
      url: `${ORIGIN}/v1/Configuration/Addresses/${sid}`,
      address_country: first(params, "AddressCountry") ?? (address.startsWith("+1") ? "US" : null),
    };
    applyParams(request, doc, params);
    ctx.store.insert("conv_address", doc, keysOf(doc));
    return { status: 201, body: doc };
  },
  ListConfigurationAddress(request) {
    const account = assertAccess(request.ctx, request.principal, request.principal.accountSid);
    const type = first(request.params, "Type");
    const body = pageOf(request.ctx.store, request.params, {
      kind: "conv_address",
      path: "/v1/Configuration/Addresses",
      listKey: "address_configurations",
      filters: type === undefined ? {} : { Type: type },
      query: { accountSid: account.sid, order: "asc", ...(type === undefined ? {} : { fields: { type } }) },
      envelope: "meta",
      origin: ORIGIN,
    });
    return { status: 200, body };
  },
  FetchConfigurationAddress(request) {
    const account = assertAccess(request.ctx, request.principal, request.principal.accountSid);
    return { status: 200, body: loadAddress(request, account.sid) };
  },
  UpdateConfigurationAddress(request) {
    const { ctx } = request;
    const account = assertAccess(ctx, request.principal, request.principal.accountSid);
    const doc = loadAddress(request, account.sid);
    applyParams(request, doc, request.params);
    doc.date_updated = iso8601(ctx.clock.now());
    ctx.store.update("conv_address", doc, keysOf(doc));
    return { status: 200, body: doc };
  },
  DeleteConfigurationAddress(request) {
    const account = assertAccess(request.ctx, request.principal, request.principal.accountSid);
    request.ctx.store.remove("conv_address", loadAddress(request, account.sid).sid);
    return { status: 204 };
  },
};
