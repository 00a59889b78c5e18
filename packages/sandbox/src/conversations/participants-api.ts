// Conversation Participants: chat participants (`Identity`) and SMS participants
// (`MessagingBinding.Address` + `MessagingBinding.ProxyAddress`), with Twilio's 409s for a duplicate
// identity (50433) and for an address/proxy pair already bound to an open conversation (50416).
import { pageOf } from "../engine/context.js";
import { bareNumber, first, isE164, iso8601 } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER, SandboxHttpError } from "../http/errors.js";
import type { Handler, HandlerRequest } from "../http/handler.js";
import { findNumber } from "../numbers/number.js";
import { attributesParam, isWebhookEnabled, serviceOf, textParam } from "./api.js";
import {
  bindingKey,
  loadConversation,
  notFoundConv,
  ORIGIN,
  participantKeys,
  participantsOf,
  conversationPath,
  settleConversation,
  wireParticipant,
  type ConversationDoc,
  type ParticipantDoc,
} from "./model.js";
import { checkRole, defaultRole } from "./roles.js";
import { createUser, userByIdentity } from "./users-roles-api.js";
import { participantParams, runPreEvent, sendPostEvent } from "./webhooks.js";

/** The conversation of a participant or message request (path `ConversationSid`), and its service. */
export function conversationOf(request: HandlerRequest) {
  const service = serviceOf(request);
  return { service, conversation: loadConversation(request.ctx, service, request.path.ConversationSid!) };
}

function loadParticipant(request: HandlerRequest, conversation: ConversationDoc): ParticipantDoc {
  const sidOrIdentity = request.path.Sid!;
  const doc = /^MB[0-9a-f]{32}$/.test(sidOrIdentity)
    ? request.ctx.store.get<ParticipantDoc>("conv_participant", sidOrIdentity)
    : participantsOf(request.ctx, conversation.sid).find((participant) => participant.identity === sidOrIdentity);
  if (!doc || doc.conversation_sid !== conversation.sid) throw notFoundConv("Participant", sidOrIdentity);
  return doc;
}

/**
 * The open conversation an SMS address/proxy pair is bound to, if any (closed ones free the pair).
 */
export function boundParticipant(request: Pick<HandlerRequest, "ctx">, address: string, proxyAddress: string): ParticipantDoc | undefined {
  const nowMs = request.ctx.clock.now();
  return request.ctx.store.findByKey1<ParticipantDoc>("conv_participant", bindingKey(address, proxyAddress)).find((participant) => {
    const conversation = request.ctx.store.get<ConversationDoc>("conversation", participant.conversation_sid);
    return conversation !== undefined && settleConversation(conversation, nowMs).state !== "closed";
  });
}

/**
 * Validates the identity or binding of a new participant.
 * @throws SandboxHttpError 400 for a missing or bad address, 409 (50433, 50416) for a conflict
 */
function newParticipantFields(request: HandlerRequest, conversation: ConversationDoc, accountSid: string) {
  const { params } = request;
  const identity = textParam(params, "Identity");
  const address = first(params, "MessagingBinding.Address");
  const proxyAddress = first(params, "MessagingBinding.ProxyAddress");
  if (identity !== undefined && address !== undefined) throw badRequest(INVALID_PARAMETER, "Identity and MessagingBinding.Address cannot both be set: a participant is either a chat or an SMS participant");
  if (identity === undefined && address === undefined) throw badRequest(INVALID_PARAMETER, "Either Identity or MessagingBinding.Address is required");
  if (identity !== undefined) {
    if (identity === "") throw badRequest(INVALID_PARAMETER, "Identity cannot be empty");
    if (participantsOf(request.ctx, conversation.sid).some((participant) => participant.identity === identity)) {
      throw new SandboxHttpError(409, 50433, `Participant already exists: ${identity}`);
    }
    return { identity, binding: null };
  }
  if (!isE164(bareNumber(address!))) throw badRequest(INVALID_PARAMETER, `MessagingBinding.Address ${JSON.stringify(address!.slice(0, 40))} is not an E.164 phone number`);
  if (proxyAddress === undefined) throw badRequest(INVALID_PARAMETER, "MessagingBinding.ProxyAddress is required for an SMS participant");
  const owned = findNumber(request.ctx, bareNumber(proxyAddress));
  if (!owned || owned.account_sid !== accountSid) throw badRequest(INVALID_PARAMETER, `MessagingBinding.ProxyAddress ${JSON.stringify(proxyAddress.slice(0, 40))} is not a phone number of this account`);
  const taken = boundParticipant(request, address!, proxyAddress);
  if (taken) throw new SandboxHttpError(409, 50416, `A binding for this participant and proxy address already exists in Conversation ${taken.conversation_sid}`);
  return { identity: null, binding: { type: "sms" as const, address: address!, proxy_address: proxyAddress } };
}

export const participantHandlers: Record<string, Handler> = {
  async CreateConversationParticipant(request) {
    const { ctx } = request;
    const { service, conversation } = conversationOf(request);
    const { identity, binding } = newParticipantFields(request, conversation, service.account_sid);
    const roleSid = first(request.params, "RoleSid");
    const now = iso8601(ctx.clock.now());
    const doc: ParticipantDoc = {
      sid: ctx.sid("MB"),
      account_sid: service.account_sid,
      conversation_sid: conversation.sid,
      chat_service_sid: service.sid,
      identity,
      attributes: attributesParam(request.params) ?? "{}",
      messaging_binding: binding,
      role_sid: roleSid === undefined ? defaultRole(ctx, service, "conversation").sid : checkRole(ctx, service, roleSid, "conversation"),
      date_created: now,
      date_updated: now,
      last_read_message_index: null,
      last_read_timestamp: null,
    };
    if (isWebhookEnabled(request)) {
      const pre: Record<string, string> = participantParams(doc);
      delete pre.ParticipantSid;
      const changes = await runPreEvent(ctx, service, "onParticipantAdd", "API", conversation.sid, pre);
      if (changes.attributes !== undefined) doc.attributes = changes.attributes;
      if (changes.role_sid !== undefined) doc.role_sid = changes.role_sid;
    }
    ctx.store.insert("conv_participant", doc, participantKeys(doc));
    // a chat identity is a User of the service: Twilio creates it with the participant
    if (identity !== null && !userByIdentity(request, service.sid, identity)) createUser(request, service, identity);
    ctx.events.emit({ type: "conversation.participant.added", at: ctx.clock.now(), sid: doc.sid, conversationSid: conversation.sid, identity, address: binding?.address ?? null });
    if (isWebhookEnabled(request)) await sendPostEvent(ctx, service, "onParticipantAdded", "API", doc.sid, participantParams(doc), conversation);
    return { status: 201, body: wireParticipant(doc, conversation, request.path.ChatServiceSid) };
  },
  ListConversationParticipant(request) {
    const { conversation } = conversationOf(request);
    const scoped = request.path.ChatServiceSid;
    const body = pageOf(request.ctx.store, request.params, {
      kind: "conv_participant",
      path: `${conversationPath(conversation, scoped)}/Participants`,
      listKey: "participants",
      filters: {},
      query: { parentSid: conversation.sid, order: "asc" },
      envelope: "meta",
      origin: ORIGIN,
      map: (doc) => wireParticipant(doc as ParticipantDoc, conversation, scoped),
    });
    return { status: 200, body };
  },
  FetchConversationParticipant(request) {
    const { conversation } = conversationOf(request);
    return { status: 200, body: wireParticipant(loadParticipant(request, conversation), conversation, request.path.ChatServiceSid) };
  },
  async UpdateConversationParticipant(request) {
    const { ctx, params } = request;
    const { service, conversation } = conversationOf(request);
    const doc = loadParticipant(request, conversation);
    const attributes = attributesParam(params);
    if (attributes !== undefined) doc.attributes = attributes;
    const roleSid = first(params, "RoleSid");
    if (roleSid !== undefined) doc.role_sid = checkRole(ctx, service, roleSid, "conversation");
    const lastRead = first(params, "LastReadMessageIndex");
    if (lastRead !== undefined) {
      if (!/^\d{1,9}$/.test(lastRead)) throw badRequest(INVALID_PARAMETER, "LastReadMessageIndex must be a non-negative integer");
      doc.last_read_message_index = Number(lastRead);
      doc.last_read_timestamp = iso8601(ctx.clock.now());
    }
    doc.date_updated = iso8601(ctx.clock.now());
    ctx.store.update("conv_participant", doc, participantKeys(doc));
    if (isWebhookEnabled(request)) await sendPostEvent(ctx, service, "onParticipantUpdated", "API", doc.sid, participantParams(doc), conversation);
    return { status: 200, body: wireParticipant(doc, conversation, request.path.ChatServiceSid) };
  },
  async DeleteConversationParticipant(request) {
    const { ctx } = request;
    const { service, conversation } = conversationOf(request);
    const doc = loadParticipant(request, conversation);
    ctx.store.remove("conv_participant", doc.sid);
    if (isWebhookEnabled(request)) await sendPostEvent(ctx, service, "onParticipantRemoved", "API", doc.sid, participantParams(doc), conversation);
    return { status: 204 };
  },
};
