// Conversation Services, the account configuration (`/v1/Configuration`: the default service) and the
// webhook configurations (`/v1/Configuration/Webhooks` for the default service,
// `/v1/Services/{ChatServiceSid}/Configuration/Webhooks` per service).
import { assertAccess } from "../accounts/auth.js";
import { pageOf } from "../engine/context.js";
import { first } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import { deleteConversation, serviceOf, textParam } from "./api.js";
import { createService, defaultService, ORIGIN, saveService, serviceFor, setDefaultService, wireService, type ConversationDoc, type ConvServiceDoc } from "./model.js";
import { applyWebhookParams, wireAccountWebhooks, wireServiceWebhooks } from "./webhooks.js";

export const conversationServiceHandlers: Record<string, Handler> = {
  CreateService({ ctx, params, principal }) {
    const account = assertAccess(ctx, principal, principal.accountSid);
    const friendlyName = textParam(params, "FriendlyName");
    if (friendlyName === undefined || friendlyName === "") throw badRequest(INVALID_PARAMETER, "Missing required parameter FriendlyName in the post body");
    return { status: 201, body: wireService(createService(ctx, account.sid, friendlyName)) };
  },
  ListService({ ctx, params, principal }) {
    const account = assertAccess(ctx, principal, principal.accountSid);
    defaultService(ctx, account.sid);
    const body = pageOf(ctx.store, params, {
      kind: "conv_service",
      path: "/v1/Services",
      listKey: "services",
      filters: {},
      query: { accountSid: account.sid, order: "asc" },
      envelope: "meta",
      origin: ORIGIN,
      map: (doc) => wireService(doc as never),
    });
    return { status: 200, body };
  },
  FetchService(request) {
    return { status: 200, body: wireService(serviceFor(request.ctx, assertAccess(request.ctx, request.principal, request.principal.accountSid).sid, request.path.Sid!)) };
  },
  DeleteService(request) {
    const { ctx } = request;
    const service = serviceFor(ctx, assertAccess(ctx, request.principal, request.principal.accountSid).sid, request.path.Sid!);
    if (service.sid === defaultService(ctx, service.account_sid).sid) throw badRequest(INVALID_PARAMETER, "The default Conversation Service cannot be deleted");
    ctx.store.transaction(() => {
      for (const { doc } of ctx.store.list<ConversationDoc>("conversation", { parentSid: service.sid, limit: 10_000, order: "asc" })) deleteConversation(request, doc);
      ctx.store.remove("conv_service", service.sid);
    });
    return { status: 204 };
  },
  FetchConfiguration(request) {
    const service = serviceOf(request);
    return { status: 200, body: wireConfiguration(service) };
  },
  UpdateConfiguration(request) {
    const { ctx, params } = request;
    const service = serviceOf(request);
    const serviceSid = first(params, "DefaultChatServiceSid");
    // the default service is where `/v1/Conversations` and friends live
    const next = serviceSid === undefined ? service : serviceFor(ctx, service.account_sid, serviceSid);
    setDefaultService(ctx, next);
    return { status: 200, body: wireConfiguration(next) };
  },
  FetchConfigurationWebhook(request) {
    return { status: 200, body: wireAccountWebhooks(serviceOf(request)) };
  },
  UpdateConfigurationWebhook(request) {
    const service = serviceOf(request);
    applyWebhookParams(service._webhooks, request.params);
    saveService(request.ctx, service);
    return { status: 200, body: wireAccountWebhooks(service) };
  },
  FetchServiceWebhookConfiguration(request) {
    return { status: 200, body: wireServiceWebhooks(serviceOf(request)) };
  },
  UpdateServiceWebhookConfiguration(request) {
    const service = serviceOf(request);
    applyWebhookParams(service._webhooks, request.params);
    saveService(request.ctx, service);
    return { status: 200, body: wireServiceWebhooks(service) };
  },
};

/** The account's Conversations configuration (`/v1/Configuration`); timers have no account default here. */
function wireConfiguration(service: ConvServiceDoc): Record<string, unknown> {
  return {
    account_sid: service.account_sid,
    default_chat_service_sid: service.sid,
    default_messaging_service_sid: null,
    default_inactive_timer: null,
    default_closed_timer: null,
    url: `${ORIGIN}/v1/Configuration`,
    links: { service: `${ORIGIN}/v1/Services/${service.sid}/Configuration`, webhooks: `${ORIGIN}/v1/Configuration/Webhooks` },
  };
}
