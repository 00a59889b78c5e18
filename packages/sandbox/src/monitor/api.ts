// Monitor v1 Alerts: the webhook failures the sandbox recorded, through Twilio's own API (and the
// newer APIs' `meta` paging envelope).
import { ALERT_INSTANCE_ONLY } from "../outbound/alerts.js";
import { pageOf, toWire } from "../engine/context.js";
import { badRequest, INVALID_PARAMETER, notFound } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import type { Doc } from "../engine/store.js";
import { first } from "../engine/util.js";
import { keyColumns } from "../engine/keys.js";

function listItem(doc: Doc): Record<string, unknown> {
  const wire = toWire(doc);
  for (const key of ALERT_INSTANCE_ONLY) delete wire[key];
  return wire;
}

function dateParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest(INVALID_PARAMETER, `Invalid ${name}: ${JSON.stringify(value)} is not a date-time`);
  return ms;
}

/** Handlers of the Monitor Alert operations. */
export const monitorHandlers: Record<string, Handler> = {
  ListAlert({ ctx, params, principal }) {
    const filters: Record<string, string> = {};
    for (const name of ["LogLevel", "StartDate", "EndDate"]) {
      const value = first(params, name);
      if (value !== undefined) filters[name] = value;
    }
    const body = pageOf(ctx.store, params, {
      kind: "alert",
      path: "/v1/Alerts",
      listKey: "alerts",
      filters,
      query: {
        accountSid: principal.accountSid,
        ...keyColumns("alert", { logLevel: filters.LogLevel }),
        dateFrom: dateParam(filters.StartDate, "StartDate"),
        dateTo: dateParam(filters.EndDate, "EndDate"),
        order: "desc",
      },
      map: listItem,
      envelope: "meta",
      origin: "https://monitor.twilio.com",
    });
    return { status: 200, body };
  },
  FetchAlert({ ctx, path, principal, rawPath }) {
    const doc = ctx.store.get("alert", path.Sid!);
    if (!doc || doc.account_sid !== principal.accountSid) throw notFound(rawPath);
    return { status: 200, body: toWire(doc) };
  },
};
