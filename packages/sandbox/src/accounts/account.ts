// The stored account and API key documents.
import type { Context } from "../engine/context.js";
import type { Doc } from "../engine/store.js";
import { rfc2822 } from "../engine/util.js";
import { randomAuthToken } from "./keys-secret.js";
import { keyColumns } from "../engine/keys.js";

/** A stored account; `auth_token` is part of the wire object (Twilio returns it). */
export interface AccountDoc extends Doc {
  auth_token: string;
  friendly_name: string;
  owner_account_sid: string;
  status: "active" | "suspended" | "closed";
  _parent: string | null;
}

export interface KeyDoc extends Doc {
  friendly_name: string;
  _secret: string;
  _account: string;
  /** `standard` when absent (keys stored before key types existed). */
  _type?: "standard" | "main" | "restricted";
  /** A restricted key's permissions. */
  _policy?: { allow: string[] } | null;
}

/** The `subresource_uris` keys of an account, as Twilio lists them. */
export const ACCOUNT_SUBRESOURCES = [
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
/** Path segments of the subresources whose name is not the PascalCase of their key. */
export const SUBRESOURCE_PATHS: Record<string, string> = {
  available_phone_numbers: "AvailablePhoneNumbers",
  authorized_connect_apps: "AuthorizedConnectApps",
  connect_apps: "ConnectApps",
  incoming_phone_numbers: "IncomingPhoneNumbers",
  outgoing_caller_ids: "OutgoingCallerIds",
  short_codes: "SMS/ShortCodes",
  signing_keys: "SigningKeys",
  sip: "SIP",
};

/** The path segment of a subresource key (`incoming_phone_numbers` → `IncomingPhoneNumbers`). */
export function pascal(name: string): string {
  return SUBRESOURCE_PATHS[name] ?? name.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/** Creates an account document (the default account, a seeded one or a subaccount). */
export function createAccount(ctx: Context, options: { sid?: string; authToken?: string; friendlyName?: string; parentSid?: string | null }): AccountDoc {
  const sid = options.sid ?? ctx.sid("AC");
  const now = rfc2822(ctx.clock.now());
  const doc: AccountDoc = {
    auth_token: options.authToken ?? randomAuthToken(),
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
  ctx.store.insert("account", doc, accountKeys(doc));
  ctx.invalidateAuth();
  return doc;
}

/** Stores a changed account and forgets cached credentials. */
export function saveAccount(ctx: Context, doc: AccountDoc): void {
  ctx.store.update("account", doc, accountKeys(doc));
  ctx.invalidateAuth();
}

/** Indexed columns of an account: its owner (itself, or the parent of a subaccount), name and status. */
export function accountKeys(doc: AccountDoc) {
  return { account_sid: doc.owner_account_sid, ...keyColumns("account", { friendlyName: doc.friendly_name, status: doc.status }) };
}
