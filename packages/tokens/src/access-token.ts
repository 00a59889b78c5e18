// createAccessToken: the JWT twilio-node's `AccessToken#toJwt()` makes, byte for byte, on Web Crypto.
// Claim order is jsonwebtoken's: the payload twilio-node builds (jti, grants, nbf), then iat, exp,
// iss, sub; the header is jsonwebtoken's (alg, typ) merged with twilio-node's (cty, typ, twr).
import { check } from "./errors.js";
import { grantsClaim, type AccessTokenGrants } from "./grants.js";
import { ALGORITHMS, signJwt, type JwtAlgorithm } from "./jwt.js";
import { requiredString, ttlSeconds } from "./validate.js";

/** What `createAccessToken` takes (twilio-node's constructor arguments and options, in one object). */
export interface AccessTokenOptions {
  /** Account SID (`AC…`), the `sub` claim. */
  accountSid: string;
  /** API key SID (`SK…`), the `iss` claim and the first half of `jti`. */
  apiKey: string;
  /** The API key's secret: the HMAC key. Never part of the token. */
  apiSecret: string;
  /** Who the token is for: a string, or an integer (written as a string, as twilio-node does). */
  identity: string | number;
  /** Lifetime in seconds (default 3600; Twilio accepts at most 86400). */
  ttl?: number;
  /** Not-before time, in seconds since the epoch. */
  nbf?: number;
  /** Twilio region of the account (`ie1`, `au1`…), sent as the header's `twr`. */
  region?: string;
  /** HMAC algorithm (default HS256). */
  algorithm?: JwtAlgorithm;
  /** What the token lets its holder do. */
  grants?: AccessTokenGrants;
}

// Printable ASCII: jws encodes the header as latin1, so anything else would differ from twilio-node.
const REGION = /^[ -~]+$/;

function header(region: unknown, algorithm: JwtAlgorithm): Record<string, string> {
  const value: Record<string, string> = { alg: algorithm, typ: "JWT", cty: "twilio-fpa;v=1" };
  if (region === undefined) return value;
  check(typeof region === "string" && REGION.test(region), "region", 'ASCII, like "ie1"');
  value.twr = region;
  return value;
}

/**
 * Mints a Twilio Access Token, identical to twilio-node's `new AccessToken(…)` + `addGrant` + `toJwt()`
 * at the same `Date.now()`.
 * @throws TypeError naming the option that is missing or invalid.
 * @example
 * const jwt = await createAccessToken({ accountSid, apiKey, apiSecret, identity: "alice", grants: { video: { room: "daily" } } });
 */
export async function createAccessToken(options: AccessTokenOptions): Promise<string> {
  // Read the clock first, before any await: iat, exp and jti must agree, as in twilio-node.
  const now = Math.floor(Date.now() / 1000);
  // A missing options object is reported as its first missing option.
  const o = (options ?? {}) as Partial<Record<keyof AccessTokenOptions, unknown>>;
  const accountSid = requiredString(o.accountSid, "accountSid");
  const apiKey = requiredString(o.apiKey, "apiKey");
  const apiSecret = requiredString(o.apiSecret, "apiSecret");
  const identity = o.identity;
  check((typeof identity === "string" && identity) || Number.isInteger(identity), "identity", "a non-empty string or integer");
  const ttl = ttlSeconds(o.ttl);
  const algorithm = (o.algorithm ?? "HS256") as JwtAlgorithm;
  check(ALGORITHMS.includes(algorithm), "algorithm", `one of ${ALGORITHMS}`);
  const nbf = o.nbf;
  check(nbf === undefined || Number.isFinite(nbf), "nbf", "a finite number");
  const claims: Record<string, unknown> = { jti: `${apiKey}-${now}`, grants: grantsClaim(String(identity), o.grants) };
  if (nbf !== undefined) claims.nbf = nbf;
  Object.assign(claims, { iat: now, exp: now + ttl, iss: apiKey, sub: accountSid });
  return signJwt(header(o.region, algorithm), claims, apiSecret, algorithm);
}
