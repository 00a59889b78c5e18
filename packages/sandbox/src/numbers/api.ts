// IncomingPhoneNumbers (owned numbers with their webhook URLs): buy, list, fetch, update, release.
import { assertAccess } from "../accounts/auth.js";
import { assertNumberApplications } from "../applications/api.js";
import { pageOf, toWire } from "../engine/context.js";
import { first, rfc2822 } from "../engine/util.js";
import { badRequest, SandboxHttpError } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import { pickNumber } from "./available-api.js";
import { applySettable, createNumber, findNumber, ownedNumber, saveNumber } from "./number.js";
import { keyColumns } from "../engine/keys.js";

const createHandler: Handler = ({ ctx, params, path, principal }) => {
  const account = assertAccess(ctx, principal, path.AccountSid!);
  const phoneNumber = pickNumber(ctx, params);
  // the magic +15005550006 is shared by every account, as with Twilio's test credentials
  if (phoneNumber === "+15005550006" && findNumber(ctx, phoneNumber)) {
    throw badRequest(21422, `PhoneNumber ${phoneNumber} is not available`);
  }
  assertNumberApplications(ctx, account.sid, params);
  const doc = createNumber(ctx, { accountSid: account.sid, phoneNumber });
  applySettable(doc, params);
  saveNumber(ctx, doc);
  ctx.events.emit({ type: "number.created", at: ctx.clock.now(), sid: doc.sid, phoneNumber });
  return { status: 201, body: toWire(doc) };
};

const listHandler: Handler = ({ ctx, params, path, principal, operation }) => {
  const account = assertAccess(ctx, principal, path.AccountSid!);
  const filters: Record<string, string> = {};
  const phoneNumber = first(params, "PhoneNumber");
  const friendlyName = first(params, "FriendlyName");
  if (phoneNumber !== undefined) filters.PhoneNumber = phoneNumber;
  if (friendlyName !== undefined) filters.FriendlyName = friendlyName;
  const body = pageOf(ctx.store, params, {
    kind: "number",
    path: operation.path.replace("{AccountSid}", account.sid),
    listKey: "incoming_phone_numbers",
    filters,
    query: { accountSid: account.sid, ...keyColumns("number", { phoneNumber, friendlyName }), order: "asc" },
  });
  return { status: 200, body };
};

/** Handlers of the IncomingPhoneNumber operations. */
export const numberHandlers: Record<string, Handler> = {
  CreateIncomingPhoneNumber: createHandler,
  CreateIncomingPhoneNumberLocal: createHandler,
  CreateIncomingPhoneNumberMobile: createHandler,
  CreateIncomingPhoneNumberTollFree: createHandler,
  ListIncomingPhoneNumber: listHandler,
  ListIncomingPhoneNumberLocal: listHandler,
  ListIncomingPhoneNumberMobile: listHandler,
  ListIncomingPhoneNumberTollFree: listHandler,
  FetchIncomingPhoneNumber({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    return { status: 200, body: toWire(ownedNumber(ctx, account.sid, path.Sid!, rawPath)) };
  },
  UpdateIncomingPhoneNumber({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ownedNumber(ctx, account.sid, path.Sid!, rawPath);
    assertNumberApplications(ctx, account.sid, params);
    applySettable(doc, params);
    // moving a number between a parent and its subaccounts is an update of AccountSid
    const target = first(params, "AccountSid");
    if (target !== undefined && target !== doc.account_sid) {
      const to = assertAccess(ctx, principal, target);
      if (to.status !== "active") throw new SandboxHttpError(400, 21404, "The target account is not active");
      doc.account_sid = to.sid;
      doc.uri = `/2010-04-01/Accounts/${to.sid}/IncomingPhoneNumbers/${doc.sid}.json`;
    }
    doc.date_updated = rfc2822(ctx.clock.now());
    saveNumber(ctx, doc);
    return { status: 200, body: toWire(doc) };
  },
  DeleteIncomingPhoneNumber({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ownedNumber(ctx, account.sid, path.Sid!, rawPath);
    ctx.store.remove("number", doc.sid);
    return { status: 204 };
  },

};
