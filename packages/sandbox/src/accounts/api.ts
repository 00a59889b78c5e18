// Accounts, subaccounts and API keys, and the HTTP Basic check in front of every API request.
import { timingSafeEqual } from "node:crypto";
import type { Context, Principal } from "../engine/context.js";
import { pageOf, toWire } from "../engine/context.js";
import { badRequest, notFound, SandboxHttpError, unauthorized } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import type { Doc } from "../engine/store.js";
import { first, rfc2822 } from "../engine/util.js";

/** A stored account; `auth_token` is part of the wire object (Twilio returns it). */
export interface AccountDoc extends Doc {
  auth_token: string;
  friendly_name: string;
  owner_account_sid: string;
  status: "active" | "suspended" | "closed";
  _parent: string | null;
}

interface KeyDoc extends Doc {
  friendly_name: string;
  _secret: string;
  _account: string;
}

const ACCOUNT_SUBRESOURCES = [
  "addresses",
  "applications",
  "authorized_connect_apps",
  "available_phone_numbers",
  "balance",
  "calls",
  "conferences",
  "connect_apps",
  "incoming_phone_numbers",
  "keys",
  "messages",
  "notifications",
  "outgoing_caller_ids",
  "queues",
  "recordings",
  "signing_keys",
  "sip",
  "short_codes",
  "tokens",
  "transcriptions",
  "usage",
];
const SUBRESOURCE_PATHS: Record<string, string> = {
  available_phone_numbers: "AvailablePhoneNumbers",
  authorized_connect_apps: "AuthorizedConnectApps",
  connect_apps: "ConnectApps",
  incoming_phone_numbers: "IncomingPhoneNumbers",
  outgoing_caller_ids: "OutgoingCallerIds",
  short_codes: "SMS/ShortCodes",
  signing_keys: "SigningKeys",
  sip: "SIP",
};

function pascal(name: string): string {
  return SUBRESOURCE_PATHS[name] ?? name.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/** Creates an account document (the default account, a seeded one or a subaccount). */
export function createAccount(ctx: Context, options: { sid?: string; authToken?: string; friendlyName?: string; parentSid?: string | null }): AccountDoc {
  const sid = options.sid ?? ctx.sid("AC");
  const now = rfc2822(ctx.clock.now());
  const doc: AccountDoc = {
    auth_token: options.authToken ?? ctx.sid("").slice(0, 32),
    date_created: now,
    date_updated: now,
    friendly_name: options.friendlyName ?? (options.parentSid ? `SubAccount Created at ${now}` : "Sandbox account"),
    owner_account_sid: options.parentSid ?? sid,
    sid,
    status: "active",
    subresource_uris: Object.fromEntries(ACCOUNT_SUBRESOURCES.map((name) => [name, `/2010-04-01/Accounts/${sid}/${pascal(name)}.json`])),
    type: "Full",
    uri: `/2010-04-01/Accounts/${sid}.json`,
    _parent: options.parentSid ?? null,
  };
  ctx.store.insert("account", doc, { account_sid: doc.owner_account_sid, key1: doc.friendly_name, key2: doc.status });
  ctx.invalidateAuth();
  return doc;
}

function saveAccount(ctx: Context, doc: AccountDoc): void {
  ctx.store.update("account", doc, { account_sid: doc.owner_account_sid, key1: doc.friendly_name, key2: doc.status });
  ctx.invalidateAuth();
}

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

function accountWire(doc: Doc): Record<string, unknown> {
  return toWire(doc);
}

export const accountHandlers: Record<string, Handler> = {
  CreateAccount({ ctx, params, principal }) {
    const parent = ctx.store.get<AccountDoc>("account", principal.accountSid)!;
    if (parent._parent) throw new SandboxHttpError(403, 20003, "Subaccounts cannot create subaccounts");
    const doc = createAccount(ctx, { friendlyName: first(params, "FriendlyName"), parentSid: parent.sid });
    ctx.events.emit({ type: "account.created", at: ctx.clock.now(), sid: doc.sid });
    return { status: 201, body: accountWire(doc) };
  },
  ListAccount({ ctx, params, principal }) {
    const self = ctx.store.get<AccountDoc>("account", principal.accountSid)!;
    const filters: Record<string, string> = {};
    const friendlyName = first(params, "FriendlyName");
    const status = first(params, "Status");
    if (friendlyName !== undefined) filters.FriendlyName = friendlyName;
    if (status !== undefined) filters.Status = status;
    const body = pageOf(ctx.store, params, {
      kind: "account",
      path: "/2010-04-01/Accounts.json",
      listKey: "accounts",
      filters,
      // the owner column of a subaccount is its parent: a subaccount lists only itself
      query: self._parent
        ? { accountSid: self._parent, fields: { sid: self.sid }, key1: friendlyName, key2: status, order: "asc" }
        : { accountSid: principal.accountSid, key1: friendlyName, key2: status, order: "asc" },
      map: accountWire,
    });
    return { status: 200, body };
  },
  FetchAccount({ ctx, path, principal }) {
    return { status: 200, body: accountWire(assertAccess(ctx, principal, path.Sid!)) };
  },
  UpdateAccount({ ctx, params, path, principal }) {
    // a private copy: the one assertAccess returns is shared by the read cache
    const doc = ctx.store.get<AccountDoc>("account", assertAccess(ctx, principal, path.Sid!).sid)!;
    const friendlyName = first(params, "FriendlyName");
    const status = first(params, "Status") as AccountDoc["status"] | undefined;
    if (status !== undefined && status !== doc.status) {
      if (!doc._parent) throw badRequest(20001, "The status of a main account cannot be changed through the API");
      if (doc.status === "closed") throw badRequest(20001, "A closed account cannot be reopened");
      doc.status = status;
    }
    if (friendlyName !== undefined) doc.friendly_name = friendlyName;
    doc.date_updated = rfc2822(ctx.clock.now());
    saveAccount(ctx, doc);
    ctx.events.emit({ type: "account.updated", at: ctx.clock.now(), sid: doc.sid, status: doc.status });
    return { status: 200, body: accountWire(doc) };
  },

  CreateNewKey({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const now = rfc2822(ctx.clock.now());
    const secret = ctx.sid("").slice(0, 32);
    const doc: KeyDoc = { sid: ctx.sid("SK"), friendly_name: first(params, "FriendlyName") ?? "", date_created: now, date_updated: now, _secret: secret, _account: account.sid };
    ctx.store.insert("key", doc, { account_sid: account.sid });
    ctx.invalidateAuth();
    // the secret is returned once, at creation, as Twilio does
    return { status: 201, body: { ...toWire(doc), secret } };
  },
  ListKey({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const body = pageOf(ctx.store, params, {
      kind: "key",
      path: `/2010-04-01/Accounts/${account.sid}/Keys.json`,
      listKey: "keys",
      filters: {},
      query: { accountSid: account.sid, order: "asc" },
    });
    return { status: 200, body };
  },
  FetchKey({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ctx.store.get<KeyDoc>("key", path.Sid!);
    if (!doc || doc._account !== account.sid) throw notFound(rawPath);
    return { status: 200, body: toWire(doc) };
  },
  UpdateKey({ ctx, path, params, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ctx.store.get<KeyDoc>("key", path.Sid!);
    if (!doc || doc._account !== account.sid) throw notFound(rawPath);
    const friendlyName = first(params, "FriendlyName");
    if (friendlyName !== undefined) doc.friendly_name = friendlyName;
    doc.date_updated = rfc2822(ctx.clock.now());
    ctx.store.update("key", doc, { account_sid: account.sid });
    return { status: 200, body: toWire(doc) };
  },
  DeleteKey({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ctx.store.get<KeyDoc>("key", path.Sid!);
    if (!doc || doc._account !== account.sid) throw notFound(rawPath);
    ctx.store.remove("key", doc.sid);
    ctx.invalidateAuth();
    return { status: 204 };
  },
};
