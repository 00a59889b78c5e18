// Conversation-scoped webhooks (`/v1/Conversations/{ConversationSid}/Webhooks`): `webhook` targets get
// the conversation's post-events listed in their filters, `trigger` targets get `onMessageAdded` when a
// message contains one of their trigger words, `studio` targets are stored (Studio is not emulated).
import { first, isHttpUrl, iso8601, type Params } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER } from "../http/errors.js";
import type { Handler, HandlerRequest } from "../http/handler.js";
import { conversationPath, notFoundConv, ORIGIN, saveConversation, type ConversationDoc, type ScopedWebhook } from "./model.js";
import { conversationOf } from "./participants-api.js";
import { WEBHOOK_EVENTS } from "./webhooks.js";

// Twilio's limit of webhooks per conversation
const MAX_WEBHOOKS = 5;
const TARGETS = ["webhook", "trigger", "studio"] as const;

export function wireScopedWebhook(hook: ScopedWebhook, conversation: ConversationDoc, scopedServiceSid: string | undefined): Record<string, unknown> {
  const configuration: Record<string, unknown> = {};
  if (hook.url !== null) configuration.url = hook.url;
  configuration.method = hook.method;
  if (hook.filters.length > 0) configuration.filters = hook.filters;
  if (hook.triggers.length > 0) configuration.triggers = hook.triggers;
  if (hook.flow_sid !== null) configuration.flow_sid = hook.flow_sid;
  if (hook.replay_after !== null) configuration.replay_after = hook.replay_after;
  return {
    account_sid: conversation.account_sid,
    conversation_sid: conversation.sid,
    sid: hook.sid,
    target: hook.target,
    configuration,
    date_created: hook.date_created,
    date_updated: hook.date_updated,
    url: `${ORIGIN}${conversationPath(conversation, scopedServiceSid)}/Webhooks/${hook.sid}`,
  };
}

/**
 * Applies the `Configuration.*` params, then checks the hook is complete for its target.
 * @throws SandboxHttpError 400 (20001) naming a bad or missing param
 */
export function applyScopedParams(hook: ScopedWebhook, params: Params): void {
  const url = first(params, "Configuration.Url");
  if (url !== undefined) {
    if (!isHttpUrl(url)) throw badRequest(INVALID_PARAMETER, "Configuration.Url must be an http(s) URL");
    hook.url = url;
  }
  const method = first(params, "Configuration.Method");
  if (method !== undefined) {
    const lower = method.toLowerCase();
    if (lower !== "get" && lower !== "post") throw badRequest(INVALID_PARAMETER, "Configuration.Method must be GET or POST");
    hook.method = lower;
  }
  if (params["Configuration.Filters"] !== undefined) {
    const filters = params["Configuration.Filters"].flatMap((value) => value.split(",")).map((value) => value.trim()).filter(Boolean);
    const unknown = filters.find((value) => !WEBHOOK_EVENTS.has(value));
    if (unknown !== undefined) throw badRequest(INVALID_PARAMETER, `Invalid Configuration.Filters value ${JSON.stringify(unknown.slice(0, 40))}`);
    hook.filters = [...new Set(filters)];
  }
  if (params["Configuration.Triggers"] !== undefined) hook.triggers = params["Configuration.Triggers"].map((value) => value.trim()).filter(Boolean).slice(0, 100);
  const flowSid = first(params, "Configuration.FlowSid");
  if (flowSid !== undefined) {
    if (!/^FW[0-9a-fA-F]{32}$/.test(flowSid)) throw badRequest(INVALID_PARAMETER, "Configuration.FlowSid must be a Studio Flow SID (FW…)");
    hook.flow_sid = flowSid;
  }
  const replayAfter = first(params, "Configuration.ReplayAfter");
  if (replayAfter !== undefined) {
    if (!/^\d{1,9}$/.test(replayAfter)) throw badRequest(INVALID_PARAMETER, "Configuration.ReplayAfter must be a non-negative integer");
    hook.replay_after = Number(replayAfter);
  }
  if (hook.target !== "studio" && hook.url === null) throw badRequest(INVALID_PARAMETER, `Configuration.Url is required for a ${hook.target} webhook`);
  if (hook.target === "trigger" && hook.triggers.length === 0) throw badRequest(INVALID_PARAMETER, "Configuration.Triggers is required for a trigger webhook");
  if (hook.target === "studio" && hook.flow_sid === null) throw badRequest(INVALID_PARAMETER, "Configuration.FlowSid is required for a studio webhook");
}

/** A new conversation-scoped webhook (also used by autocreation). */
export function newScopedWebhook(sid: string, target: ScopedWebhook["target"], now: string): ScopedWebhook {
  return { sid, target, url: null, method: "post", filters: [], triggers: [], flow_sid: null, replay_after: null, date_created: now, date_updated: now };
}

function hookOf(request: HandlerRequest, conversation: ConversationDoc): ScopedWebhook {
  const hook = (conversation._scopedWebhooks ?? []).find((candidate) => candidate.sid === request.path.Sid);
  if (!hook) throw notFoundConv("Webhook", request.path.Sid!);
  return hook;
}

export const scopedWebhookHandlers: Record<string, Handler> = {
  CreateConversationScopedWebhook(request) {
    const { ctx, params } = request;
    const { conversation } = conversationOf(request);
    const target = first(params, "Target");
    if (target === undefined || !(TARGETS as readonly string[]).includes(target)) throw badRequest(INVALID_PARAMETER, `Target must be one of ${TARGETS.join(", ")}`);
    const hooks = (conversation._scopedWebhooks ??= []);
    if (hooks.length >= MAX_WEBHOOKS) throw badRequest(INVALID_PARAMETER, `A conversation has at most ${MAX_WEBHOOKS} webhooks`);
    const hook = newScopedWebhook(ctx.sid("WH"), target as ScopedWebhook["target"], iso8601(ctx.clock.now()));
    applyScopedParams(hook, params);
    hooks.push(hook);
    saveConversation(ctx, conversation);
    return { status: 201, body: wireScopedWebhook(hook, conversation, request.path.ChatServiceSid) };
  },
  ListConversationScopedWebhook(request) {
    const { conversation } = conversationOf(request);
    const scoped = request.path.ChatServiceSid;
    const url = `${ORIGIN}${conversationPath(conversation, scoped)}/Webhooks?PageSize=50&Page=0`;
    // five at most: one page always holds them all
    return {
      status: 200,
      body: {
        webhooks: (conversation._scopedWebhooks ?? []).map((hook) => wireScopedWebhook(hook, conversation, scoped)),
        meta: { page: 0, page_size: 50, first_page_url: url, previous_page_url: null, url, next_page_url: null, key: "webhooks" },
      },
    };
  },
  FetchConversationScopedWebhook(request) {
    const { conversation } = conversationOf(request);
    return { status: 200, body: wireScopedWebhook(hookOf(request, conversation), conversation, request.path.ChatServiceSid) };
  },
  UpdateConversationScopedWebhook(request) {
    const { ctx } = request;
    const { conversation } = conversationOf(request);
    const hook = hookOf(request, conversation);
    applyScopedParams(hook, request.params);
    hook.date_updated = iso8601(ctx.clock.now());
    saveConversation(ctx, conversation);
    return { status: 200, body: wireScopedWebhook(hook, conversation, request.path.ChatServiceSid) };
  },
  DeleteConversationScopedWebhook(request) {
    const { ctx } = request;
    const { conversation } = conversationOf(request);
    const hook = hookOf(request, conversation);
    conversation._scopedWebhooks = conversation._scopedWebhooks!.filter((candidate) => candidate.sid !== hook.sid);
    saveConversation(ctx, conversation);
    return { status: 204 };
  },
};
