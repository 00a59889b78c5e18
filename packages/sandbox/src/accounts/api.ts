// Accounts and subaccounts (`/2010-04-01/Accounts`): create, list, fetch, update.
import type { Doc } from "../engine/store.js";
import { pageOf, toWire } from "../engine/context.js";
import { first, rfc2822 } from "../engine/util.js";
import { badRequest, SandboxHttpError } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import { createAccount, saveAccount, type AccountDoc } from "./account.js";
import { assertAccess } from "./auth.js";
import { keyColumns } from "../engine/keys.js";

function accountWire(doc: Doc): Record<string, unknown> {
  return toWire(doc);
}

/** Handlers of the Account operations. */
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
        ? { accountSid: self._parent, fields: { sid: self.sid }, ...keyColumns("account", { friendlyName, status }), order: "asc" }
        : { accountSid: principal.accountSid, ...keyColumns("account", { friendlyName, status }), order: "asc" },
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

};
