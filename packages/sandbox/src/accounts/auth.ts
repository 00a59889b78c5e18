// The HTTP Basic check in front of every API request (account SID + auth token, or API key + secret),
// and the rule of which accounts a caller may act on.
import { timingSafeEqual } from "node:crypto";
import type { Context, Principal } from "../engine/context.js";
import { SandboxHttpError, unauthorized } from "../http/errors.js";
import type { AccountDoc, KeyDoc } from "./account.js";

interface Credential {
  secret: Buffer;
  accountSid: string;
  keySid?: string;
}

/** Most credentials the login cache holds; beyond that the oldest entry goes. */
export const MAX_CACHED_CREDENTIALS = 1000;

// canonical base64 only: full quads, padding only at the end, nothing after it
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes `Basic <base64(user:password)>` strictly: junk after the padding, non-base64 characters or
 * a missing colon give undefined (Buffer.from(…, "base64") would silently skip them).
 */
export function decodeBasic(header: string | undefined): { user: string; password: string } | undefined {
  if (!header || header.length > 4096) return undefined;
  const match = /^basic ([^ ]+)$/i.exec(header.trim());
  if (!match || !BASE64.test(match[1]!)) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The Basic-auth checker with a credential cache (accounts and keys change rarely, requests often). */
export function createAuthenticator(ctx: Context) {
  // only credentials that exist are cached: an unknown user name costs a lookup, never memory
  let cache = new Map<string, Credential>();
  function credentialOf(user: string): Credential | null {
    const cached = cache.get(user);
    if (cached !== undefined) return cached;
    let credential: Credential | null = null;
    if (user.startsWith("AC")) {
      const account = ctx.store.get<AccountDoc>("account", user);
      if (account && account.status !== "closed") credential = { secret: Buffer.from(account.auth_token), accountSid: account.sid };
    } else if (user.startsWith("SK")) {
      const key = ctx.store.get<KeyDoc>("key", user);
      if (key) credential = { secret: Buffer.from(key._secret), accountSid: key._account, keySid: key.sid };
    }
    if (credential) {
      if (cache.size >= MAX_CACHED_CREDENTIALS) cache.delete(cache.keys().next().value!);
      cache.set(user, credential);
    }
    return credential;
  }
  return {
    invalidate(): void {
      cache = new Map();
    },
    /** How many credentials are cached (bounded by `MAX_CACHED_CREDENTIALS`). */
    get cacheSize(): number {
      return cache.size;
    },
    /**
     * Checks an Authorization header.
     * @throws SandboxHttpError 401 (20003) for missing or wrong credentials, 401 (20005) for a suspended account
     */
    authenticate(header: string | undefined): Principal {
      const basic = decodeBasic(header);
      if (!basic) throw unauthorized();
      const password = Buffer.from(basic.password);
      const credential = credentialOf(basic.user);
      // compare in constant time so a timing probe learns nothing about the token
      if (!credential || credential.secret.length !== password.length || !timingSafeEqual(credential.secret, password)) throw unauthorized();
      const account = ctx.store.cached<AccountDoc>("account", credential.accountSid);
      if (!account || account.status === "closed") throw unauthorized();
      if (account.status === "suspended") throw new SandboxHttpError(401, 20005, "Account not active");
      return credential.keySid ? { accountSid: credential.accountSid, keySid: credential.keySid } : { accountSid: credential.accountSid };
    },
  };
}

/**
 * Whether the principal may act on `accountSid`: its own account or one of its subaccounts.
 * @throws SandboxHttpError 401 (20003) otherwise; a subaccount never reaches its parent or siblings
 */
export function assertAccess(ctx: Context, principal: Principal, accountSid: string): Readonly<AccountDoc> {
  const account = ctx.store.cached<AccountDoc>("account", accountSid);
  if (!account || (account.sid !== principal.accountSid && account._parent !== principal.accountSid)) throw unauthorized();
  return account;
}
