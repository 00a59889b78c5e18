// The one place a resource is registered: its handler table under the domain of its spec
// (`api`, `messaging`, `monitor`, `verify`, …). Operations of the specs without a handler here answer
// 501 "not emulated".
import { accountHandlers } from "../accounts/api.js";
import { applicationHandlers } from "../applications/api.js";
import { queueHandlers } from "../queues/api.js";
import { conferenceHandlers } from "../conferences/api.js";
import { keyHandlers } from "../accounts/keys-api.js";
import { conversationsHandlers } from "../conversations/handlers.js";
import { lookupHandlers } from "../lookup/api.js";
import { iamKeyHandlers } from "../accounts/keys-iam-api.js";
import { ROUTE_ROWS } from "../generated/routes.js";
import { messageHandlers } from "../messages/api.js";
import { mediaHandlers } from "../messages/media-api.js";
import { messagingHandlers } from "../messaging-services/api.js";
import { phoneNumberHandlers } from "../messaging-services/phone-numbers-api.js";
import { monitorHandlers } from "../monitor/api.js";
import { numberHandlers } from "../numbers/api.js";
import { availableNumberHandlers } from "../numbers/available-api.js";
import { checkHandlers } from "../verify/checks-api.js";
import { verifyHandlers } from "../verify/api.js";
import { verificationHandlers } from "../verify/verifications-api.js";
import { callHandlers } from "../voice/api.js";
import { recordingHandlers } from "../voice/recordings-api.js";
import type { Handler } from "./handler.js";
import { decodeRoute } from "./route-table.js";

/** Handlers by domain, then operationId: operationIds repeat across specs (chat's CreateMessage is not ours). */
export const HANDLERS: Record<string, Record<string, Handler>> = {
  api: {
    ...accountHandlers,
    ...keyHandlers,
    ...numberHandlers,
    ...availableNumberHandlers,
    ...messageHandlers,
    ...mediaHandlers,
    ...callHandlers,
    ...recordingHandlers,
    ...applicationHandlers,
    ...queueHandlers,
    ...conferenceHandlers,
  },
  conversations: conversationsHandlers,
  iam: iamKeyHandlers,
  lookups: lookupHandlers,
  messaging: { ...messagingHandlers, ...phoneNumberHandlers },
  monitor: monitorHandlers,
  verify: { ...verifyHandlers, ...verificationHandlers, ...checkHandlers },
};

/** A missing required param is a business-rule error with its own code at Twilio, not a generic 400. */
export const REQUIRED_CODES: Record<string, Record<string, [number, string]>> = {
  CreateMessage: { To: [21604, "A 'To' phone number is required."] },
  CreateCall: { To: [21201, "No 'To' number is specified"], From: [21213, "No 'From' number is specified"] },
};

/** The routes the sandbox emulates statefully, as `METHOD /path` strings. */
export function emulatedRoutes(): string[] {
  return ROUTE_ROWS.map(decodeRoute)
    .filter((route) => HANDLERS[route.domain]?.[route.operationId] !== undefined)
    .map((route) => `${route.method} ${route.domain === "api" ? "" : `/${route.domain}`}${route.path}`);
}
