// Conversation Messages: create (Author, Body, Attributes, MediaSid), list (Order), fetch, update and
// delete. Each new message gets the conversation's next `index` and goes out as SMS to SMS participants.
import { pageOf } from "../engine/context.js";
import { first, iso8601 } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER } from "../http/errors.js";
import type { Handler, HandlerRequest } from "../http/handler.js";
import { attributesParam, isWebhookEnabled, textParam } from "./api.js";
import { addConversationMessage } from "./delivery.js";
import { conversationPath, loadConvMessage, ORIGIN, wireConvMessage, type ConversationDoc, type ConvMessageDoc } from "./model.js";
import { conversationOf } from "./participants-api.js";
import { messageParams, sendPostEvent } from "./webhooks.js";

// Twilio's limit for a Conversations message body
const MAX_BODY = 1600;

function wire(request: HandlerRequest, doc: ConvMessageDoc, conversation: ConversationDoc) {
  return wireConvMessage(request.ctx, doc, conversation, request.path.ChatServiceSid);
}

/** `MediaSid` values as the media objects of the wire message (the sandbox stores no media content). */
function mediaOf(request: HandlerRequest): unknown[] | null {
  const sids = request.params.MediaSid ?? [];
  if (sids.length === 0) return null;
  if (sids.length > 10) throw badRequest(INVALID_PARAMETER, "At most 10 MediaSid values");
  for (const sid of sids) if (!/^ME[0-9a-fA-F]{32}$/.test(sid)) throw badRequest(INVALID_PARAMETER, `MediaSid ${JSON.stringify(sid.slice(0, 40))} is not a media SID (ME…)`);
  return sids.map((sid) => ({ sid, category: "media", filename: null, content_type: "application/octet-stream", size: 0 }));
}

export const conversationMessageHandlers: Record<string, Handler> = {
  async CreateConversationMessage(request) {
    const { ctx, params } = request;
    const { service, conversation } = conversationOf(request);
    if (conversation.state === "closed") throw badRequest(INVALID_PARAMETER, `Conversation ${conversation.sid} is closed: no messages can be added`);
    const body = textParam(params, "Body", MAX_BODY);
    const media = mediaOf(request);
    if ((body === undefined || body === "") && media === null && first(params, "ContentSid") === undefined) throw badRequest(INVALID_PARAMETER, "A message needs a Body, a MediaSid or a ContentSid");
    const { doc } = await addConversationMessage(ctx, service, conversation, {
      author: textParam(params, "Author") || "system",
      body: body ?? null,
      attributes: attributesParam(params) ?? "{}",
      media,
      source: "API",
      isWebhookEnabled: isWebhookEnabled(request),
    });
    // an API action blocked by a pre-event hook throws: a doc is always there here
    return { status: 201, body: wire(request, doc!, conversation) };
  },
  ListConversationMessage(request) {
    const { conversation } = conversationOf(request);
    const order = first(request.params, "Order") ?? "asc";
    if (order !== "asc" && order !== "desc") throw badRequest(INVALID_PARAMETER, "Order must be asc or desc");
    const body = pageOf(request.ctx.store, request.params, {
      kind: "conv_message",
      path: `${conversationPath(conversation, request.path.ChatServiceSid)}/Messages`,
      listKey: "messages",
      filters: order === "asc" ? {} : { Order: order },
      query: { parentSid: conversation.sid, order },
      envelope: "meta",
      origin: ORIGIN,
      map: (doc) => wire(request, doc as ConvMessageDoc, conversation),
    });
    return { status: 200, body };
  },
  FetchConversationMessage(request) {
    const { conversation } = conversationOf(request);
    return { status: 200, body: wire(request, loadConvMessage(request.ctx, conversation, request.path.Sid!), conversation) };
  },
  async UpdateConversationMessage(request) {
    const { ctx, params } = request;
    const { service, conversation } = conversationOf(request);
    const doc = loadConvMessage(ctx, conversation, request.path.Sid!);
    const author = textParam(params, "Author");
    if (author !== undefined) doc.author = author;
    const body = textParam(params, "Body", MAX_BODY);
    if (body !== undefined) doc.body = body;
    const attributes = attributesParam(params);
    if (attributes !== undefined) doc.attributes = attributes;
    doc.date_updated = iso8601(ctx.clock.now());
    ctx.store.update("conv_message", doc, { account_sid: doc.account_sid, parent_sid: doc.conversation_sid, key1: doc.author });
    if (isWebhookEnabled(request)) await sendPostEvent(ctx, service, "onMessageUpdated", "API", doc.sid, messageParams(doc), conversation);
    return { status: 200, body: wire(request, doc, conversation) };
  },
  async DeleteConversationMessage(request) {
    const { ctx } = request;
    const { service, conversation } = conversationOf(request);
    const doc = loadConvMessage(ctx, conversation, request.path.Sid!);
    ctx.store.remove("conv_message", doc.sid);
    if (isWebhookEnabled(request)) await sendPostEvent(ctx, service, "onMessageRemoved", "API", doc.sid, messageParams(doc), conversation);
    return { status: 204 };
  },
};
