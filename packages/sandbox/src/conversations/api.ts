// Conversations v1: Conversations (create/list/fetch/update/delete) on both route families,
// `/v1/Conversations` (the account's default service) and `/v1/Services/{ChatServiceSid}/Conversations`,
// and the request helpers every Conversations handler shares.
import { assertAccess } from "../accounts/auth.js";
import type { Context } from "../engine/context.js";
import { pageOf } from "../engine/context.js";
import { first, iso8601, type Params } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER, SandboxHttpError } from "../http/errors.js";
import type { Handler, HandlerRequest } from "../http/handler.js";
import {
  conversationKeys,
  loadConversation,
  ORIGIN,
  saveConversation,
  serviceFor,
  settleConversation,
  wireConversation,
  type ConversationDoc,
  type ConversationState,
  type ConvServiceDoc,
} from "./model.js";
import { conversationParams, runPreEvent, sendPostEvent } from "./webhooks.js";

const STATES: readonly ConversationState[] = ["inactive", "active", "closed"];
const MAX_TEXT = 256;
const MAX_ATTRIBUTES = 16 * 1024;

/**
 * Whether a REST action fires post-event webhooks: only with `X-Twilio-Webhook-Enabled: true`, as at
 * Twilio (SDK and SMS actions always do); this keeps an app that answers a webhook through the API
 * from triggering itself.
 */
export function isWebhookEnabled(request: HandlerRequest): boolean {
  const value = request.headers?.["x-twilio-webhook-enabled"];
  return (Array.isArray(value) ? value[0] : value)?.toLowerCase() === "true";
}

/** The service a request addresses (path `ChatServiceSid`, else the default one), after the auth check. */
export function serviceOf(request: HandlerRequest) {
  const account = assertAccess(request.ctx, request.principal, request.principal.accountSid);
  return serviceFor(request.ctx, account.sid, request.path.ChatServiceSid);
}

/**
 * A text param with Twilio's bounds.
 * @throws SandboxHttpError 400 (20001) when it is too long
 */
export function textParam(params: Params, name: string, max = MAX_TEXT): string | undefined {
  const value = first(params, name);
  if (value !== undefined && value.length > max) throw badRequest(INVALID_PARAMETER, `${name} is longer than ${max} characters`);
  return value;
}

/**
 * `Attributes`: a JSON string, as Twilio requires.
 * @throws SandboxHttpError 400 (20001) when it is not valid JSON
 */
export function attributesParam(params: Params): string | undefined {
  const value = textParam(params, "Attributes", MAX_ATTRIBUTES);
  if (value === undefined) return undefined;
  try {
    JSON.parse(value);
  } catch {
    throw badRequest(INVALID_PARAMETER, "Attributes must be valid JSON");
  }
  return value;
}

/** Parses an ISO 8601 duration of the timers (`PT10M`, `P1D`); Twilio's minimum is 10 minutes for closed. */
function durationMs(value: string, name: string): number {
  const match = /^P(?:(\d{1,4})D)?(?:T(?:(\d{1,5})H)?(?:(\d{1,6})M)?(?:(\d{1,7})S)?)?$/.exec(value);
  if (!match || value === "P" || value.endsWith("T")) throw badRequest(INVALID_PARAMETER, `${name} must be an ISO 8601 duration such as PT10M`);
  const [, d = "0", h = "0", m = "0", s = "0"] = match;
  return (((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}

/** Applies what a pre-event hook changed (`friendly_name`, `unique_name`, `attributes`), with the same checks as params. */
function applyChanges(request: HandlerRequest, doc: ConversationDoc, changes: Record<string, string>): void {
  const params: Params = {};
  if (changes.friendly_name !== undefined) params.FriendlyName = [changes.friendly_name];
  if (changes.unique_name !== undefined) params.UniqueName = [changes.unique_name];
  if (changes.attributes !== undefined) params.Attributes = [changes.attributes];
  applyConversationParams({ ...request, params }, doc);
}

/** Applies the settable params of a conversation (create and update). */
function applyConversationParams(request: HandlerRequest, doc: ConversationDoc): void {
  const { ctx, params } = request;
  const friendlyName = textParam(params, "FriendlyName");
  if (friendlyName !== undefined) doc.friendly_name = friendlyName;
  const uniqueName = textParam(params, "UniqueName");
  if (uniqueName !== undefined && uniqueName !== doc.unique_name) {
    if (uniqueName !== "" && ctx.store.findByKey1<ConversationDoc>("conversation", `${doc.chat_service_sid}:${uniqueName}`).some((other) => other.sid !== doc.sid)) {
      throw new SandboxHttpError(409, 50353, `Conversation with provided unique name already exists: ${uniqueName}`);
    }
    doc.unique_name = uniqueName === "" ? null : uniqueName;
  }
  const attributes = attributesParam(params);
  if (attributes !== undefined) doc.attributes = attributes;
  const messagingServiceSid = first(params, "MessagingServiceSid");
  if (messagingServiceSid !== undefined) doc.messaging_service_sid = messagingServiceSid || null;
  const state = first(params, "State");
  if (state !== undefined) {
    if (!(STATES as readonly string[]).includes(state)) throw badRequest(INVALID_PARAMETER, `State must be one of ${STATES.join(", ")}`);
    // a closed conversation stays closed (Twilio: it cannot be reopened)
    if (doc.state === "closed" && state !== "closed") throw badRequest(INVALID_PARAMETER, "A closed conversation cannot be reopened");
    doc.state = state as ConversationState;
  }
  const nowMs = ctx.clock.now();
  const inactive = first(params, "Timers.Inactive");
  if (inactive !== undefined) doc._inactiveAtMs = inactive === "" ? null : nowMs + durationMs(inactive, "Timers.Inactive");
  const closed = first(params, "Timers.Closed");
  if (closed !== undefined) {
    const ms = closed === "" ? null : durationMs(closed, "Timers.Closed");
    if (ms !== null && ms < 600_000) throw badRequest(INVALID_PARAMETER, "Timers.Closed must be at least PT10M");
    doc._closedAtMs = ms === null ? null : nowMs + ms;
  }
}

/** Removes a conversation with its participants and messages. */
export function deleteConversation(request: HandlerRequest, doc: ConversationDoc): void {
  const { ctx } = request;
  ctx.store.remove("conversation", doc.sid);
  ctx.store.removeChildren("conv_participant", doc.sid);
  ctx.store.removeChildren("conv_message", doc.sid);
}

/** A new active conversation of a service, not stored yet. */
export function newConversationDoc(ctx: Context, service: ConvServiceDoc): ConversationDoc {
  const now = iso8601(ctx.clock.now());
  return {
    sid: ctx.sid("CH"),
    account_sid: service.account_sid,
    chat_service_sid: service.sid,
    messaging_service_sid: null,
    friendly_name: null,
    unique_name: null,
    attributes: "{}",
    state: "active",
    date_created: now,
    date_updated: now,
    _inactiveAtMs: null,
    _closedAtMs: null,
    _nextIndex: 0,
  };
}

/** Creates a conversation in a service; sends `onConversationAdded`. Used by the API and by autocreation. */
export async function createConversation(request: HandlerRequest): Promise<ConversationDoc> {
  const { ctx } = request;
  const service = serviceOf(request);
  const doc = newConversationDoc(ctx, service);
  applyConversationParams(request, doc);
  if (isWebhookEnabled(request)) {
    const pre: Record<string, string> = { ...conversationParams(doc) };
    delete pre.ConversationSid;
    const changes = await runPreEvent(ctx, service, "onConversationAdd", "API", service.sid, pre);
    applyChanges(request, doc, changes);
  }
  ctx.store.insert("conversation", doc, conversationKeys(doc));
  ctx.events.emit({ type: "conversation.created", at: ctx.clock.now(), sid: doc.sid, serviceSid: service.sid, accountSid: doc.account_sid });
  if (isWebhookEnabled(request)) await sendPostEvent(ctx, service, "onConversationAdded", "API", doc.sid, conversationParams(doc), doc);
  return doc;
}

export const conversationHandlers: Record<string, Handler> = {
  async CreateConversation(request) {
    return { status: 201, body: wireConversation(await createConversation(request), request.path.ChatServiceSid) };
  },
  ListConversation(request) {
    const { ctx, params } = request;
    const service = serviceOf(request);
    const state = first(params, "State");
    if (state !== undefined && !(STATES as readonly string[]).includes(state)) throw badRequest(INVALID_PARAMETER, `State must be one of ${STATES.join(", ")}`);
    const scoped = request.path.ChatServiceSid;
    const nowMs = ctx.clock.now();
    const body = pageOf(ctx.store, params, {
      kind: "conversation",
      path: scoped === undefined ? "/v1/Conversations" : `/v1/Services/${scoped}/Conversations`,
      listKey: "conversations",
      filters: state === undefined ? {} : { State: state },
      query: { accountSid: service.account_sid, parentSid: service.sid, order: "asc", ...(state === undefined ? {} : { fields: { state } }) },
      envelope: "meta",
      origin: ORIGIN,
      map: (doc) => wireConversation(settleConversation(doc as ConversationDoc, nowMs), scoped),
    });
    return { status: 200, body };
  },
  FetchConversation(request) {
    const conversation = loadConversation(request.ctx, serviceOf(request), request.path.Sid!);
    return { status: 200, body: wireConversation(conversation, request.path.ChatServiceSid) };
  },
  async UpdateConversation(request) {
    const { ctx } = request;
    const service = serviceOf(request);
    const doc = loadConversation(ctx, service, request.path.Sid!);
    const before = doc.state;
    applyConversationParams(request, doc);
    doc.date_updated = iso8601(ctx.clock.now());
    saveConversation(ctx, doc);
    if (isWebhookEnabled(request)) {
      await sendPostEvent(ctx, service, "onConversationUpdated", "API", doc.sid, conversationParams(doc), doc);
      if (doc.state !== before) await sendPostEvent(ctx, service, "onConversationStateUpdated", "API", doc.sid, { ...conversationParams(doc), StateFrom: before, StateTo: doc.state, Reason: "API" }, doc);
    }
    return { status: 200, body: wireConversation(doc, request.path.ChatServiceSid) };
  },
  async DeleteConversation(request) {
    const { ctx } = request;
    const service = serviceOf(request);
    const doc = loadConversation(ctx, service, request.path.Sid!);
    ctx.store.transaction(() => deleteConversation(request, doc));
    if (isWebhookEnabled(request)) await sendPostEvent(ctx, service, "onConversationRemoved", "API", doc.sid, conversationParams(doc), doc);
    return { status: 204 };
  },
};
