// TaskRouter capability tokens (taskrouter.js v1), as twilio-node's `TaskRouterCapability` signs
// them: claims iss, exp, version, friendly_name, account_sid, channel, workspace_sid, policies, then
// worker_sid or taskqueue_sid by the channel's prefix, then jsonwebtoken's iat.
import { invalid } from "./errors.js";
import { nowSeconds, signJwt } from "./jwt.js";
import { isRecord, knownKeys, optionalString, record, requiredString, ttlSeconds } from "./validate.js";

/** One policy: which TaskRouter (or event bridge) URL the token may call, with which method. */
export interface TaskRouterPolicy {
  url: string;
  /** HTTP method (default `"GET"`). */
  method?: string;
  /** Constraints on query params, e.g. `{ ActivitySid: { required: true } }` (default `{}`). */
  queryFilter?: Record<string, unknown>;
  /** Constraints on POST params (default `{}`). */
  postFilter?: Record<string, unknown>;
  /** Default true. */
  allow?: boolean;
}

/** What `createTaskRouterCapabilityToken` takes (twilio-node's `TaskRouterCapability` options plus policies). */
export interface TaskRouterCapabilityOptions {
  accountSid: string;
  /** The account's auth token: the HMAC key. */
  authToken: string;
  /** Workspace SID (`WS…`). */
  workspaceSid: string;
  /** Worker (`WK…`), TaskQueue (`WQ…`) or Workspace SID the token is for. */
  channelId: string;
  friendlyName?: string;
  /** Lifetime in seconds (default 3600). */
  ttl?: number;
  /** TaskRouter version (default `"v1"`). */
  version?: string;
  policies: readonly TaskRouterPolicy[];
}

const POLICY_KEYS = ["url", "method", "queryFilter", "postFilter", "allow"];

function filter(value: unknown, option: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw invalid(option, "must be an object");
  return value;
}

function policyClaim(policy: unknown, at: string): Record<string, unknown> {
  const p = record(policy, at);
  knownKeys(p, POLICY_KEYS, at);
  const method = optionalString(p.method, `${at}.method`) ?? "GET";
  if (!/^[A-Z]+$/.test(method)) throw invalid(`${at}.method`, "must be an HTTP method in capitals (GET, POST, DELETE)");
  if (p.allow !== undefined && typeof p.allow !== "boolean") throw invalid(`${at}.allow`, "must be a boolean");
  return {
    url: requiredString(p.url, `${at}.url`),
    method,
    query_filter: filter(p.queryFilter, `${at}.queryFilter`),
    post_filter: filter(p.postFilter, `${at}.postFilter`),
    // twilio-node writes `allow || true`, so it can never say false; an explicit false is kept here.
    allow: p.allow ?? true,
  };
}

/**
 * Mints a TaskRouter capability token, identical to twilio-node's `TaskRouterCapability#toJwt()` with
 * the same policies at the same `Date.now()`.
 * @throws TypeError naming the option that is missing or invalid.
 * @example
 * const policies = [...defaultWorkerPolicies("v1", workspaceSid, workerSid), ...defaultEventBridgePolicies(accountSid, workerSid)];
 * await createTaskRouterCapabilityToken({ accountSid, authToken, workspaceSid, channelId: workerSid, policies });
 */
export async function createTaskRouterCapabilityToken(options: TaskRouterCapabilityOptions): Promise<string> {
  const now = nowSeconds();
  const o = record(options, "options");
  const accountSid = requiredString(o.accountSid, "accountSid");
  const authToken = requiredString(o.authToken, "authToken");
  const workspaceSid = requiredString(o.workspaceSid, "workspaceSid");
  const channel = requiredString(o.channelId, "channelId");
  const friendlyName = optionalString(o.friendlyName, "friendlyName");
  const ttl = ttlSeconds(o.ttl);
  const version = o.version === undefined ? "v1" : requiredString(o.version, "version");
  if (!Array.isArray(o.policies)) throw invalid("policies", "must be an array");
  const claims: Record<string, unknown> = {
    iss: accountSid,
    exp: now + ttl,
    version,
    // JSON.stringify drops an undefined friendly_name, as in twilio-node
    friendly_name: friendlyName,
    account_sid: accountSid,
    channel,
    workspace_sid: workspaceSid,
    policies: o.policies.map((policy, i) => policyClaim(policy, `policies[${i}]`)),
  };
  if (channel.startsWith("WK")) claims.worker_sid = channel;
  else if (channel.startsWith("WQ")) claims.taskqueue_sid = channel;
  claims.iat = now;
  return signJwt({ alg: "HS256", typ: "JWT" }, claims, authToken, "HS256").catch((error: unknown) => {
    throw error instanceof TypeError ? invalid("policies", "must be JSON-serialisable") : error;
  });
}
