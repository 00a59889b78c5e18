// Legacy Client capability tokens (twilio.js 1.x), as twilio-node's `ClientCapability` signs them:
// claims scope, iss, exp, then jsonwebtoken's iat; HS256 with the auth token; header alg, typ.
import { invalid } from "./errors.js";
import { nowSeconds, signJwt } from "./jwt.js";
import { knownKeys, optionalString, record, requiredString, ttlSeconds } from "./validate.js";

/** Query-string values in scope params (strings, or numbers and booleans written as strings). */
export type ScopeParams = Record<string, string | number | boolean>;

/** One scope of a Client capability token, in the order twilio-node's `addScope` calls add them. */
export type ClientScope =
  /** `scope:client:incoming`: receive calls as this client name (`IncomingClientScope`). */
  | { kind: "incoming"; clientName: string }
  /** `scope:client:outgoing`: place calls through a TwiML App (`OutgoingClientScope`). */
  | { kind: "outgoing"; applicationSid: string; clientName?: string; params?: ScopeParams }
  /** `scope:stream:subscribe`: the event stream (`EventStreamScope`). */
  | { kind: "eventStream"; filters?: ScopeParams };

/** What `createClientCapabilityToken` takes (twilio-node's `ClientCapability` options plus scopes). */
export interface ClientCapabilityOptions {
  /** Account SID (`AC…`), the `iss` claim. */
  accountSid: string;
  /** The account's auth token: the HMAC key. */
  authToken: string;
  /** Lifetime in seconds (default 3600). */
  ttl?: number;
  scopes: readonly ClientScope[];
}

// querystring.escape, which twilio-node uses, escapes exactly what encodeURIComponent does and
// likewise throws on a lone surrogate.
function escape(value: unknown, option: string): string {
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") throw invalid(option, "must be a string");
  try {
    return encodeURIComponent(String(value));
  } catch {
    throw invalid(option, "must be well-formed Unicode (no lone surrogates)");
  }
}

function appParams(params: unknown, option: string): string {
  const pairs = Object.entries(record(params, option)).map(([name, value]) => `${escape(name, option)}=${escape(value, `${option}.${name}`)}`);
  // The joined pairs are escaped once more, as twilio-node does.
  return `appParams=${encodeURIComponent(pairs.join("&"))}`;
}

function scopeString(scope: unknown, at: string): string {
  const s = record(scope, at);
  if (s.kind === "incoming") {
    knownKeys(s, ["kind", "clientName"], at);
    return `scope:client:incoming?clientName=${escape(requiredString(s.clientName, `${at}.clientName`), `${at}.clientName`)}`;
  }
  if (s.kind === "outgoing") {
    knownKeys(s, ["kind", "applicationSid", "clientName", "params"], at);
    const query = [`appSid=${escape(requiredString(s.applicationSid, `${at}.applicationSid`), `${at}.applicationSid`)}`];
    const clientName = optionalString(s.clientName, `${at}.clientName`);
    if (clientName !== undefined) query.push(`clientName=${escape(clientName, `${at}.clientName`)}`);
    if (s.params !== undefined) query.push(appParams(s.params, `${at}.params`));
    return `scope:client:outgoing?${query.join("&")}`;
  }
  if (s.kind === "eventStream") {
    knownKeys(s, ["kind", "filters"], at);
    const query = ["path=/2010-04-01/Events"];
    if (s.filters !== undefined && Object.keys(record(s.filters, `${at}.filters`)).length) query.push(appParams(s.filters, `${at}.filters`));
    return `scope:stream:subscribe?${query.join("&")}`;
  }
  throw invalid(`${at}.kind`, 'must be "incoming", "outgoing" or "eventStream"');
}

/**
 * Mints a Client capability token, identical to twilio-node's `ClientCapability#toJwt()` with the same
 * scopes at the same `Date.now()`.
 * @throws TypeError naming the option that is missing or invalid.
 * @example
 * await createClientCapabilityToken({ accountSid, authToken, scopes: [{ kind: "incoming", clientName: "alice" }] });
 */
export async function createClientCapabilityToken(options: ClientCapabilityOptions): Promise<string> {
  const now = nowSeconds();
  const o = record(options, "options");
  const iss = requiredString(o.accountSid, "accountSid");
  const authToken = requiredString(o.authToken, "authToken");
  const ttl = ttlSeconds(o.ttl);
  if (!Array.isArray(o.scopes)) throw invalid("scopes", "must be an array");
  const scope = o.scopes.map((s, i) => scopeString(s, `scopes[${i}]`)).join(" ");
  return signJwt({ alg: "HS256", typ: "JWT" }, { scope, iss, exp: now + ttl, iat: now }, authToken, "HS256");
}

