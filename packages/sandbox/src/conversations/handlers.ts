// Every emulated Conversations v1 operation. The service-scoped routes
// (`/v1/Services/{ChatServiceSid}/Conversations/…`) share the handlers of the default-service ones:
// the path's ChatServiceSid selects the service, and the answer's URLs follow the route used.
import type { Handler } from "../http/handler.js";
import { addressHandlers } from "./addresses-api.js";
import { conversationHandlers } from "./api.js";
import { conversationMessageHandlers } from "./messages-api.js";
import { participantHandlers } from "./participants-api.js";
import { receiptHandlers } from "./receipts-api.js";
import { scopedWebhookHandlers } from "./scoped-webhooks-api.js";
import { conversationServiceHandlers } from "./services-api.js";
import { userRoleHandlers } from "./users-roles-api.js";

const unscoped: Record<string, Handler> = { ...conversationHandlers, ...participantHandlers, ...conversationMessageHandlers, ...scopedWebhookHandlers, ...receiptHandlers };

/** Conversations handlers by operationId. */
export const conversationsHandlers: Record<string, Handler> = {
  ...conversationServiceHandlers,
  ...addressHandlers,
  ...userRoleHandlers,
  ...unscoped,
  // CreateConversation → CreateServiceConversation, FetchConversationMessage → FetchServiceConversationMessage, …
  ...Object.fromEntries(Object.entries(unscoped).map(([operationId, handler]) => [operationId.replace(/^(Create|List|Fetch|Update|Delete)Conversation/, "$1ServiceConversation"), handler])),
};
