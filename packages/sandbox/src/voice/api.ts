// Calls (`/2010-04-01/Accounts/{AccountSid}/Calls`): create with Twilio's validation, list, fetch,
// update (redirect, hang up) and delete.
import { parseTwiml, TwimlParseError } from "@twilio-kit/twiml";
import { assertAccess } from "../accounts/auth.js";
import { applicationFor, voiceTargetOf } from "../applications/application.js";
import { callRedirected } from "./verbs/hooks.js";
import { pageOf, toWire } from "../engine/context.js";
import { first, isE164 } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER, notFound } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import { findNumber } from "../numbers/number.js";
import { FINAL, insertCall, load, save, type CallDoc } from "./call.js";
import { fetchDocument, runDocument } from "./interpreter.js";
import { finish } from "./lifecycle.js";
import type { Context } from "../engine/context.js";
import { keyColumns } from "../engine/keys.js";

const MAGIC_TO: Record<string, [number, string]> = {
  "+15005550001": [21217, "Phone number +15005550001 is not a valid phone number"],
  "+15005550002": [21214, "'To' phone number +15005550002 cannot be reached"],
  "+15005550003": [21215, "Account not authorized to call +15005550003 (geo permissions)"],
  "+15005550004": [21216, "Account not allowed to call +15005550004 (blocked)"],
};

function isEndpoint(value: string): boolean {
  return isE164(value) || /^(client|sip):.+/.test(value);
}

/**
 * A call of this account.
 * @throws SandboxHttpError 404 for an unknown SID or another account's call
 */
export function ownedCall(ctx: Context, accountSid: string, sid: string, rawPath: string): CallDoc {
  const doc = load(ctx, sid);
  if (!doc || doc.account_sid !== accountSid) throw notFound(rawPath);
  return doc;
}

function parseInlineTwiml(twiml: string): void {
  try {
    parseTwiml(twiml);
  } catch (error) {
    if (error instanceof TwimlParseError) throw badRequest(INVALID_PARAMETER, `Twiml is not valid TwiML: ${error.message}`);
    throw error;
  }
}

const EVENTS = new Set(["initiated", "ringing", "answered", "completed"]);

/** Handlers of the Call operations. */
export const callHandlers: Record<string, Handler> = {
  CreateCall({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const to = first(params, "To");
    const from = first(params, "From");
    const url = first(params, "Url");
    const twiml = first(params, "Twiml");
    if (!to) throw badRequest(21201, "No 'To' number is specified");
    if (!from) throw badRequest(21213, "No 'From' number is specified");
    const applicationSid = first(params, "ApplicationSid");
    if (!url && !twiml && !applicationSid) throw badRequest(21205, "A 'Url', 'Twiml' or 'ApplicationSid' parameter is required");
    // with an ApplicationSid Twilio ignores the request's voice URLs and status callback for the app's
    const app = applicationSid ? voiceTargetOf(applicationFor(ctx, account.sid, applicationSid)) : undefined;
    if (app && !app.url && !twiml) throw badRequest(21205, `Application ${applicationSid} has no VoiceUrl`);
    const magic = MAGIC_TO[to];
    if (magic) throw badRequest(magic[0], magic[1]);
    if (!isEndpoint(to)) throw badRequest(21217, `Phone number ${to} is not a valid phone number`);
    if (from === "+15005550001") throw badRequest(21212, "Invalid 'From' phone number +15005550001");
    if (from !== "+15005550006" && !from.startsWith("client:")) {
      const owned = findNumber(ctx, from);
      if (!owned || owned.account_sid !== account.sid) throw badRequest(21210, `The source phone number provided, ${from}, is not yet verified for your account.`);
    }
    if (twiml) parseInlineTwiml(twiml);
    const events = (params.StatusCallbackEvent ?? []).flatMap((value) => value.split(/[\s,]+/)).filter(Boolean);
    for (const event of events) if (!EVENTS.has(event)) throw badRequest(INVALID_PARAMETER, `Invalid StatusCallbackEvent: ${event}`);
    const timeout = first(params, "Timeout");
    const doc = insertCall(ctx, {
      accountSid: account.sid,
      to,
      from,
      direction: "outbound-api",
      ...(app ?? {
        url: url ?? null,
        method: first(params, "Method"),
        fallbackUrl: first(params, "FallbackUrl") ?? null,
        fallbackMethod: first(params, "FallbackMethod"),
        statusCallback: first(params, "StatusCallback") ?? null,
        statusCallbackMethod: first(params, "StatusCallbackMethod"),
      }),
      twiml: twiml ?? null,
      events: events.length ? events : ["completed"],
      timeoutSec: timeout === undefined ? 60 : Math.min(600, Math.max(5, Number(timeout))),
      status: "queued",
    });
    ctx.clock.schedule(0, "call", doc.sid, { step: "initiate" });
    return { status: 201, body: toWire(doc) };
  },
  ListCall({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const filters: Record<string, string> = {};
    for (const name of ["To", "From", "ParentCallSid", "Status"]) {
      const value = first(params, name);
      if (value !== undefined) filters[name] = value;
    }
    const body = pageOf(ctx.store, params, {
      kind: "call",
      path: `/2010-04-01/Accounts/${account.sid}/Calls.json`,
      listKey: "calls",
      filters,
      query: {
        accountSid: account.sid,
        ...keyColumns("call", { to: filters.To, from: filters.From }),
        parentSid: filters.ParentCallSid,
        fields: filters.Status ? { status: filters.Status } : undefined,
        order: "desc",
      },
    });
    return { status: 200, body };
  },
  FetchCall({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    return { status: 200, body: toWire(ownedCall(ctx, account.sid, path.Sid!, rawPath)) };
  },
  async UpdateCall({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ownedCall(ctx, account.sid, path.Sid!, rawPath);
    const status = first(params, "Status");
    const url = first(params, "Url");
    const twiml = first(params, "Twiml");
    if (twiml) parseInlineTwiml(twiml);
    const cb = first(params, "StatusCallback");
    if (cb !== undefined) doc._cb = cb || null;
    if (FINAL.has(doc.status)) {
      if (status || url || twiml) throw badRequest(21220, `Call ${doc.sid} is not in-progress. Cannot redirect.`);
      return { status: 200, body: toWire(doc) };
    }
    if (status === "canceled" || status === "completed") {
      // a call that never connected is canceled; a connected one completes
      await finish(ctx, doc, doc._answeredMs === null ? "canceled" : status === "completed" ? "completed" : doc.status);
      return { status: 200, body: toWire(load(ctx, doc.sid)!) };
    }
    if (url || twiml) {
      if (doc._answeredMs === null) {
        doc._url = url ?? doc._url;
        doc._twiml = twiml ?? null;
        doc._method = (first(params, "Method") ?? doc._method).toUpperCase();
        save(ctx, doc);
      } else {
        // a redirected call leaves its queue, bridge or conference first
        await callRedirected(ctx, doc);
        ctx.clock.cancel(doc.sid);
        doc._gen++;
        doc._gather = null;
        save(ctx, doc);
        // the new document runs in the background; the API answers at once as Twilio does
        const run = twiml ? runDocument(ctx, doc, twiml, doc._docUrl) : fetchDocument(ctx, doc, url!, first(params, "Method") ?? "POST", {});
        run.catch(() => undefined);
      }
    }
    return { status: 200, body: toWire(load(ctx, doc.sid)!) };
  },
  DeleteCall({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ownedCall(ctx, account.sid, path.Sid!, rawPath);
    if (!FINAL.has(doc.status)) throw badRequest(INVALID_PARAMETER, `Call ${doc.sid} is ${doc.status}: only ended calls can be deleted`);
    ctx.store.remove("call", doc.sid);
    return { status: 204 };
  },

};
