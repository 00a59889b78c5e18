// Delivery receipts of a conversation message (`…/Messages/{MessageSid}/Receipts`): one per SMS copy,
// its status read from the messaging engine as of now (sent, delivered, undelivered, failed).
import type { Handler, HandlerRequest } from "../http/handler.js";
import { conversationPath, loadConvMessage, notFoundConv, ORIGIN, receiptsOf, type ConversationDoc, type ConvMessageDoc, type Receipt } from "./model.js";
import { conversationOf } from "./participants-api.js";

function wireReceipt(receipt: Receipt, message: ConvMessageDoc, conversation: ConversationDoc, scopedServiceSid: string | undefined): Record<string, unknown> {
  return {
    account_sid: message.account_sid,
    conversation_sid: message.conversation_sid,
    sid: receipt.copy.receipt,
    message_sid: message.sid,
    channel_message_sid: receipt.copy.sid,
    participant_sid: receipt.copy.participant,
    status: receipt.status,
    // the spec's default: 0 when there was no error
    error_code: receipt.errorCode ?? 0,
    date_created: message.date_created,
    date_updated: receipt.dateUpdated,
    url: `${ORIGIN}${conversationPath(conversation, scopedServiceSid)}/Messages/${message.sid}/Receipts/${receipt.copy.receipt}`,
  };
}

function messageOf(request: HandlerRequest) {
  const { conversation } = conversationOf(request);
  return { conversation, message: loadConvMessage(request.ctx, conversation, request.path.MessageSid!) };
}

export const receiptHandlers: Record<string, Handler> = {
  ListConversationMessageReceipt(request) {
    const { conversation, message } = messageOf(request);
    const scoped = request.path.ChatServiceSid;
    const url = `${ORIGIN}${conversationPath(conversation, scoped)}/Messages/${message.sid}/Receipts?PageSize=50&Page=0`;
    // one receipt per SMS participant (1,000 at most): a single page
    return {
      status: 200,
      body: {
        meta: { page: 0, page_size: 50, first_page_url: url, previous_page_url: null, url, next_page_url: null, key: "delivery_receipts" },
        delivery_receipts: receiptsOf(request.ctx, message).map((receipt) => wireReceipt(receipt, message, conversation, scoped)),
      },
    };
  },
  FetchConversationMessageReceipt(request) {
    const { conversation, message } = messageOf(request);
    const receipt = receiptsOf(request.ctx, message).find((candidate) => candidate.copy.receipt === request.path.Sid);
    if (!receipt) throw notFoundConv("Receipt", request.path.Sid!);
    return { status: 200, body: wireReceipt(receipt, message, conversation, request.path.ChatServiceSid) };
  },
};
