// Recordings (`/Recordings` and `/Calls/{CallSid}/Recordings`): the recordings `<Record>` made.
import { assertAccess } from "../accounts/auth.js";
import { pageOf, toWire } from "../engine/context.js";
import { first } from "../engine/util.js";
import { notFound } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import { ownedCall } from "./api.js";

/** Handlers of the Recording operations. */
export const recordingHandlers: Record<string, Handler> = {

  ListRecording({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const callSid = first(params, "CallSid");
    const filters: Record<string, string> = callSid ? { CallSid: callSid } : {};
    const body = pageOf(ctx.store, params, {
      kind: "recording",
      path: `/2010-04-01/Accounts/${account.sid}/Recordings.json`,
      listKey: "recordings",
      filters,
      query: { accountSid: account.sid, parentSid: callSid, order: "desc" },
    });
    return { status: 200, body };
  },
  ListCallRecording({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const call = ownedCall(ctx, account.sid, path.CallSid!, rawPath);
    const body = pageOf(ctx.store, params, {
      kind: "recording",
      path: `/2010-04-01/Accounts/${account.sid}/Calls/${call.sid}/Recordings.json`,
      listKey: "recordings",
      filters: {},
      query: { accountSid: account.sid, parentSid: call.sid, order: "desc" },
    });
    return { status: 200, body };
  },
  FetchRecording({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ctx.store.get("recording", path.Sid!);
    if (!doc || doc.account_sid !== account.sid) throw notFound(rawPath);
    return { status: 200, body: toWire(doc) };
  },
  FetchCallRecording({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ctx.store.get("recording", path.Sid!);
    if (!doc || doc.account_sid !== account.sid || doc.call_sid !== path.CallSid) throw notFound(rawPath);
    return { status: 200, body: toWire(doc) };
  },
  DeleteRecording({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ctx.store.get("recording", path.Sid!);
    if (!doc || doc.account_sid !== account.sid) throw notFound(rawPath);
    ctx.store.remove("recording", doc.sid);
    return { status: 204 };
  },
};
