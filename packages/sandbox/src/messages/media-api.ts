// Media of a message (`/Messages/{MessageSid}/Media`): list, fetch, delete.
import { assertAccess } from "../accounts/auth.js";
import { pageOf, toWire } from "../engine/context.js";
import { notFound } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import { ownedMessage } from "./api.js";

/** Handlers of the Media operations. */
export const mediaHandlers: Record<string, Handler> = {

  ListMedia({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const message = ownedMessage(ctx, account.sid, path.MessageSid!, rawPath);
    const body = pageOf(ctx.store, params, {
      kind: "media",
      path: `/2010-04-01/Accounts/${account.sid}/Messages/${message.sid}/Media.json`,
      listKey: "media_list",
      filters: {},
      query: { accountSid: account.sid, parentSid: message.sid, order: "asc" },
    });
    return { status: 200, body };
  },
  FetchMedia({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const media = ctx.store.get("media", path.Sid!);
    if (!media || media.account_sid !== account.sid || media.parent_sid !== path.MessageSid) throw notFound(rawPath);
    return { status: 200, body: toWire(media) };
  },
  DeleteMedia({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const media = ctx.store.get("media", path.Sid!);
    if (!media || media.account_sid !== account.sid || media.parent_sid !== path.MessageSid) throw notFound(rawPath);
    ctx.store.remove("media", media.sid);
    return { status: 204 };
  },
};
