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

/** The Basic-auth checker with a credential cache (accounts and keys change rarely, requests often). */
export function createAuthenticator(ctx: Context) {
  let cache = new Map<string, Credential | null>();
  function credentialOf(user: string): Credential | null {
    let credential = cache.get(user);
    if (credential !== undefined) return credential;
    credential = null;
    if (user.startsWith("AC")) {
      const account = ctx.store.get<AccountDoc>("account", user);
      if (account && account.status !== "closed") credential = { secret: Buffer.from(account.auth_token), accountSid: account.sid };
    } else if (user.startsWith("SK")) {
      const key = ctx.store.get<KeyDoc>("key", user);
      if (key) credential = { secret: Buffer.from(key._secret), accountSid: key._account, keySid: key.sid };
    }
    cache.set(user, credential);
    return credential;
  }
  return {
    invalidate(): void {
      cache = new Map();
    },
    /**
     * Checks an Authorization header.
     * @throws SandboxHttpError 401 (20003) for missing or wrong credentials, 401 (20005) for a suspended account
     */
    authenticate(header: string | undefined): Principal {
      if (!header || !/^basic /i.test(header)) throw unauthorized();
      const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon === -1) throw unauthorized();
      const user = decoded.slice(0, colon);
      const password = Buffer.from(decoded.slice(colon + 1));
      const credential = credentialOf(user);
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
