// API keys (`/2010-04-01/Accounts/{AccountSid}/Keys`): create (the secret is shown once), list, fetch,
// update, delete.
import { pageOf, toWire } from "../engine/context.js";
import { first, rfc2822 } from "../engine/util.js";
import { notFound } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import type { KeyDoc } from "./account.js";
import { assertAccess } from "./auth.js";
import { randomKeySecret } from "./keys-secret.js";

/** Handlers of the Key operations. */
export const keyHandlers: Record<string, Handler> = {

  CreateNewKey({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const now = rfc2822(ctx.clock.now());
    // the v2010 Keys resource makes standard keys; main and restricted ones come from iam v1 (keys-iam-api.ts)
    const secret = randomKeySecret();
    const doc: KeyDoc = { sid: ctx.sid("SK"), friendly_name: first(params, "FriendlyName") ?? "", date_created: now, date_updated: now, _secret: secret, _account: account.sid, _type: "standard", _policy: null };
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
