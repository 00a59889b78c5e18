// Messages (`/2010-04-01/Accounts/{AccountSid}/Messages`): create with Twilio's validation, list with
// the DateSent filters, fetch, cancel or redact, and delete.
import { assertAccess } from "../accounts/auth.js";
import { applicationFor } from "../applications/application.js";
import type { Context } from "../engine/context.js";
import { pageOf } from "../engine/context.js";
import { first, rfc2822 } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER, notFound } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import { findService } from "../messaging-services/service.js";
import { insertMessage, loadMessage, setMessageStatus, settle } from "./lifecycle.js";
import { IN_FLIGHT, save, wireMessage, type MessageDoc } from "./message.js";
import { parseSendAt, validateOutbound } from "./validate.js";
import { isPhoneNumberLibraryLoaded, loadPhoneNumberLibrary } from "../lookup/parse.js";
import { keyColumns } from "../engine/keys.js";

function dateFilter(value: string, name: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest(INVALID_PARAMETER, `Invalid ${name}: ${JSON.stringify(value)} is not a date`);
  return ms;
}

/**
 * A message of this account, with its lifecycle applied.
 * @throws SandboxHttpError 404 for an unknown SID or another account's message
 */
export function ownedMessage(ctx: Context, accountSid: string, sid: string, rawPath: string): MessageDoc {
  const doc = loadMessage(ctx, sid);
  if (!doc || doc.account_sid !== accountSid) throw notFound(rawPath);
  return doc;
}

/** Handlers of the Message operations. */
export const messageHandlers: Record<string, Handler> = {
  async CreateMessage({ ctx, params, path, principal }) {
    // the landline check (21614) needs libphonenumber-js, loaded in the background after listen
    if (!isPhoneNumberLibraryLoaded()) await loadPhoneNumberLibrary();
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const to = first(params, "To");
    const body = first(params, "Body") ?? "";
    const mediaUrls = params.MediaUrl ?? [];
    const from = validateOutbound(ctx, account.sid, to, first(params, "From"), body, mediaUrls, params);
    let statusCallback = first(params, "StatusCallback");
    // through a Messaging Service (validated above): its StatusCallback when the message has none
    const serviceSid = first(params, "MessagingServiceSid") || undefined;
    const service = serviceSid === undefined ? undefined : findService(ctx, account.sid, serviceSid);
    if (service && !statusCallback) statusCallback = service.status_callback ?? undefined;
    // with an ApplicationSid Twilio ignores StatusCallback and posts to the app's MessageStatusCallback
    const applicationSid = first(params, "ApplicationSid");
    if (applicationSid) statusCallback = applicationFor(ctx, account.sid, applicationSid).message_status_callback ?? undefined;
    // an explicit SmartEncoded wins over the service's smart_encoding (on by default at Twilio)
    const smartEncoded = first(params, "SmartEncoded");
    const smartEncoding = smartEncoded !== undefined ? smartEncoded === "true" : service?.smart_encoding === true;
    const sendAtMs = parseSendAt(params, ctx.clock.now());
    const doc = insertMessage(ctx, {
      accountSid: account.sid,
      to: to!,
      from,
      body,
      mediaUrls,
      direction: "outbound-api",
      statusCallback: statusCallback || null,
      statusCallbackMethod: first(params, "StatusCallbackMethod"),
      sendAtMs,
      messagingServiceSid: serviceSid,
      smartEncoding,
    });
    return { status: 201, body: wireMessage(doc) };
  },
  ListMessage({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const filters: Record<string, string> = {};
    for (const name of ["To", "From", "DateSent", "DateSent<", "DateSent>"]) {
      const value = first(params, name);
      if (value !== undefined) filters[name] = value;
    }
    let dateFrom: number | undefined;
    let dateTo: number | undefined;
    const day = 86_400_000;
    if (filters.DateSent !== undefined) {
      dateFrom = dateFilter(filters.DateSent, "DateSent");
      dateTo = /^\d{4}-\d{2}-\d{2}$/.test(filters.DateSent) ? dateFrom + day : dateFrom + 1000;
    }
    if (filters["DateSent>"] !== undefined) dateFrom = dateFilter(filters["DateSent>"], "DateSent>");
    if (filters["DateSent<"] !== undefined) {
      const value = filters["DateSent<"];
      dateTo = dateFilter(value, "DateSent<") + (/^\d{4}-\d{2}-\d{2}$/.test(value) ? day : 1000);
    }
    // the indexed sent date may be a planned one: a message counts as sent once that time has come
    const nowMs = ctx.clock.now();
    if (dateFrom !== undefined || dateTo !== undefined) dateTo = Math.min(dateTo ?? Number.MAX_SAFE_INTEGER, nowMs + 1);
    const body = pageOf(ctx.store, params, {
      kind: "message",
      path: `/2010-04-01/Accounts/${account.sid}/Messages.json`,
      listKey: "messages",
      filters,
      map: (doc) => wireMessage(settle(doc as MessageDoc, nowMs)),
      query: { accountSid: account.sid, ...keyColumns("message", { to: filters.To, from: filters.From }), dateFrom, dateTo, order: "desc" },
    });
    return { status: 200, body };
  },
  FetchMessage({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    return { status: 200, body: wireMessage(ownedMessage(ctx, account.sid, path.Sid!, rawPath)) };
  },
  async UpdateMessage({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ownedMessage(ctx, account.sid, path.Sid!, rawPath);
    const body = first(params, "Body");
    const status = first(params, "Status");
    if (status === "canceled") {
      if (doc.status !== "scheduled" && doc.status !== "accepted") {
        throw badRequest(INVALID_PARAMETER, `Message ${doc.sid} is ${doc.status}: only scheduled messages can be canceled`);
      }
      await setMessageStatus(ctx, doc, "canceled");
    }
    if (body !== undefined) {
      if (body !== "") throw badRequest(INVALID_PARAMETER, "Body can only be updated to an empty string (redaction)");
      if (IN_FLIGHT.has(doc.status)) throw badRequest(INVALID_PARAMETER, `Message ${doc.sid} is ${doc.status}: redact it once it is in a final state`);
      doc.body = "";
      doc.date_updated = rfc2822(ctx.clock.now());
      save(ctx, doc);
    }
    return { status: 200, body: wireMessage(doc) };
  },
  DeleteMessage({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ownedMessage(ctx, account.sid, path.Sid!, rawPath);
    if (IN_FLIGHT.has(doc.status)) throw badRequest(20009, `Cannot delete message ${doc.sid}: it is still ${doc.status}`);
    ctx.store.transaction(() => {
      ctx.store.remove("message", doc.sid);
      ctx.store.removeChildren("media", doc.sid);
      ctx.clock.cancel(doc.sid);
    });
    ctx.events.emit({ type: "message.deleted", at: ctx.clock.now(), sid: doc.sid });
    return { status: 204 };
  },

};
