// The sandbox's OAuth access tokens: HS256 JWTs signed with a random per-sandbox key (kept in the
// meta table, replaced by `reset()`), timed on the sandbox's clock so `advance()` expires them.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Context, Principal } from "../engine/context.js";

/** Lifetime of an access token: short, so clients exercise their refresh path. */
export const TOKEN_TTL_SEC = 3600;
const SIGNING_KEY = "oauth_signing_key";
const ISSUER = "https://oauth.twilio.com";
const MAX_TOKEN_LENGTH = 4096;

function signingKey(ctx: Context): Buffer {
  let hex = ctx.store.meta(SIGNING_KEY);
  if (hex === undefined) {
    hex = randomBytes(32).toString("hex");
    ctx.store.setMeta(SIGNING_KEY, hex);
  }
  return Buffer.from(hex, "hex");
}

function sign(ctx: Context, input: string): Buffer {
  return createHmac("sha256", signingKey(ctx)).update(input).digest();
}

/** Mints a token for a principal (an account, or an API key of it); `sub` is the client id. */
export function issueAccessToken(ctx: Context, principal: Principal, clientId: string): { token: string; expiresInSec: number } {
  const iat = Math.floor(ctx.clock.now() / 1000);
  const header = { alg: "HS256", typ: "JWT" };
  const payload: Record<string, unknown> = { iss: ISSUER, sub: clientId, account_sid: principal.accountSid, iat, exp: iat + TOKEN_TTL_SEC, jti: randomBytes(12).toString("hex") };
  if (principal.keySid) payload.key_sid = principal.keySid;
  const input = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
  return { token: `${input}.${sign(ctx, input).toString("base64url")}`, expiresInSec: TOKEN_TTL_SEC };
}

/** The principal of a valid, unexpired token, or undefined (malformed, forged, expired, unknown algorithm). */
export function verifyAccessToken(ctx: Context, token: string): Principal | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) return undefined;
  let header: { alg?: unknown };
  let payload: { exp?: unknown; nbf?: unknown; account_sid?: unknown; key_sid?: unknown; iss?: unknown };
  try {
    header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8"));
    payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  // only our algorithm: `alg: none` or an RS/HS confusion never verifies
  if (header?.alg !== "HS256" || typeof payload !== "object" || payload === null) return undefined;
  const expected = sign(ctx, `${parts[0]}.${parts[1]}`);
  const given = Buffer.from(parts[2]!, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const nowSec = ctx.clock.now() / 1000;
  if (typeof payload.exp !== "number" || payload.exp <= nowSec || payload.iss !== ISSUER) return undefined;
  if (typeof payload.account_sid !== "string") return undefined;
  return typeof payload.key_sid === "string" ? { accountSid: payload.account_sid, keySid: payload.key_sid } : { accountSid: payload.account_sid };
}
