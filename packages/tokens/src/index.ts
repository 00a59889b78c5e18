// @twilio-kit/tokens: Access Tokens and legacy capability tokens on Web Crypto, byte-identical to
// twilio-node's. No Node built-ins and no dependencies: runs on Node, Bun, Deno and Workers.
export { createAccessToken, type AccessTokenOptions } from "./access-token.js";
export type {
  AccessTokenGrants,
  ChatGrantOptions,
  PlaybackGrantOptions,
  SyncGrantOptions,
  TaskRouterGrantOptions,
  VideoGrantOptions,
  VoiceGrantOptions,
} from "./grants.js";
export type { JwtAlgorithm } from "./jwt.js";
export {
  decodeToken,
  verifyAccessToken,
  type DecodedToken,
  type VerifyAccessTokenFailure,
  type VerifyAccessTokenOptions,
  type VerifyAccessTokenResult,
} from "./verify.js";
export { createClientCapabilityToken, type ClientCapabilityOptions, type ClientScope, type ScopeParams } from "./client-capability.js";
export { createTaskRouterCapabilityToken, type TaskRouterCapabilityOptions, type TaskRouterPolicy } from "./taskrouter-capability.js";
export {
  activitiesUrl,
  defaultEventBridgePolicies,
  defaultWorkerPolicies,
  reservationsUrl,
  taskQueuesUrl,
  tasksUrl,
  workersUrl,
  workspacesUrl,
} from "./taskrouter-policies.js";
