// Applications (`/2010-04-01/Accounts/{AccountSid}/Applications`): TwiML Apps create, list, fetch,
// update and delete.
import { assertAccess } from "../accounts/auth.js";
import type { Context } from "../engine/context.js";
import { pageOf, toWire } from "../engine/context.js";
import { first, rfc2822, type Params } from "../engine/util.js";
import type { Handler } from "../http/handler.js";
import type { NumberDoc } from "../numbers/number.js";
import { saveNumber } from "../numbers/number.js";
import { applicationFor, applyApplicationParams, newApplication, ownedApplication, saveApplication } from "./application.js";

/** Numbers are walked in pages of this many when an application goes away. */
const NUMBER_PAGE = 500;

/** A deleted application no longer answers anything: numbers that pointed at it use their own URLs again. */
function detachNumbers(ctx: Context, accountSid: string, applicationSid: string): void {
  let afterSeq: number | undefined;
  for (;;) {
    const rows = ctx.store.list("number", { accountSid, limit: NUMBER_PAGE, afterSeq, order: "asc" });
    for (const { doc } of rows) {
      const number = doc as NumberDoc;
      let changed = false;
      for (const field of ["voice_application_sid", "sms_application_sid"] as const) {
        if (number[field] === applicationSid) {
          // the schema's empty value for each field (numbers are created with these)
          (number as Record<string, unknown>)[field] = field === "sms_application_sid" ? "" : null;
          changed = true;
        }
      }
      if (changed) saveNumber(ctx, number);
    }
    if (rows.length < NUMBER_PAGE) return;
    afterSeq = rows[rows.length - 1]!.seq;
  }
}

/**
 * Checks a number's `VoiceApplicationSid`/`SmsApplicationSid` params name applications of the account.
 * @throws SandboxHttpError 400 (21218) for an unknown application
 */
export function assertNumberApplications(ctx: Context, accountSid: string, params: Params): void {
  for (const param of ["VoiceApplicationSid", "SmsApplicationSid"]) {
    const value = first(params, param);
    if (value) applicationFor(ctx, accountSid, value, param);
  }
}

/** Handlers of the Application operations. */
export const applicationHandlers: Record<string, Handler> = {
  CreateApplication({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = newApplication(ctx, account.sid);
    applyApplicationParams(doc, params);
    saveApplication(ctx, doc, true);
    return { status: 201, body: toWire(doc) };
  },
  ListApplication({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const friendlyName = first(params, "FriendlyName");
    const body = pageOf(ctx.store, params, {
      kind: "application",
      path: `/2010-04-01/Accounts/${account.sid}/Applications.json`,
      listKey: "applications",
      filters: friendlyName === undefined ? {} : { FriendlyName: friendlyName },
      // key1 of an application is its friendly name (see saveApplication)
      query: { accountSid: account.sid, key1: friendlyName, order: "asc" },
    });
    return { status: 200, body };
  },
  FetchApplication({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    return { status: 200, body: toWire(ownedApplication(ctx, account.sid, path.Sid!, rawPath)) };
  },
  UpdateApplication({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ownedApplication(ctx, account.sid, path.Sid!, rawPath);
    applyApplicationParams(doc, params);
    doc.date_updated = rfc2822(ctx.clock.now());
    saveApplication(ctx, doc);
    return { status: 200, body: toWire(doc) };
  },
  DeleteApplication({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ownedApplication(ctx, account.sid, path.Sid!, rawPath);
    ctx.store.remove("application", doc.sid);
    detachNumbers(ctx, account.sid, doc.sid);
    return { status: 204 };
  },
};
