// Monitor-style alerts for webhook failures: stored like Monitor v1 Alerts and emitted as events.
// The HTTP-level codes (11200, 11205, 11750) are decided here; the TwiML ones in twiml-fetch.ts.
import type { Context } from "../engine/context.js";
import type { Doc } from "../engine/store.js";
import { encodeForm } from "../http/form.js";
import { iso8601 } from "../engine/util.js";
import type { WebhookDelivery } from "./webhook.js";
import { keyColumns } from "../engine/keys.js";

/** A stored alert, shaped like Monitor v1's Alert instance (`GET /monitor/v1/Alerts/{Sid}`). */
export interface AlertDoc extends Doc {
  account_sid: string;
  error_code: string;
  log_level: "error" | "warning";
  alert_text: string;
  resource_sid: string;
  request_url: string | null;
  request_method: string | null;
  request_variables: string | null;
  response_body: string | null;
  date_created: string;
}

/** Fields of an alert instance that the list (`monitor.v1.alert`) leaves out. */
export const ALERT_INSTANCE_ONLY = ["request_variables", "response_body", "response_headers", "request_headers"];

/** Records an alert and emits it on the event stream. */
export function raiseAlert(
  ctx: Context,
  accountSid: string,
  code: number,
  text: string,
  resourceSid: string,
  delivery?: WebhookDelivery,
  level: "error" | "warning" = "error",
): AlertDoc {
  const nowMs = ctx.clock.now();
  const iso = iso8601(nowMs);
  const sid = ctx.sid("NO");
  const doc: AlertDoc = {
    account_sid: accountSid,
    alert_text: text,
    api_version: "2010-04-01",
    date_created: iso,
    date_generated: iso,
    date_updated: iso,
    error_code: String(code),
    log_level: level,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    request_method: delivery?.method ?? null,
    request_url: delivery?.url ?? null,
    request_variables: delivery ? encodeForm(delivery.params) : null,
    resource_sid: resourceSid,
    response_body: delivery?.body ?? null,
    response_headers: null,
    sid,
    url: `https://monitor.twilio.com/v1/Alerts/${sid}`,
    request_headers: null,
    service_sid: null,
  };
  ctx.store.insert("alert", doc, { account_sid: accountSid, parent_sid: resourceSid, ...keyColumns("alert", { errorCode: doc.error_code, logLevel: level }), date_ms: nowMs });
  ctx.events.emit({ type: "alert", at: ctx.clock.now(), alert: doc });
  return doc;
}

/** Why a TwiML fetch failed, as an alert code, or undefined when the response is usable. */
export function deliveryFailure(delivery: WebhookDelivery): { code: number; text: string } | undefined {
  // classified by the delivery's failure kind: the error text is for people and may say anything
  if (delivery.status === null) {
    if (delivery.failure === "timeout") return { code: 11205, text: `HTTP connection failure: ${delivery.error ?? "timed out"}` };
    return { code: 11200, text: `HTTP retrieval failure: ${delivery.error ?? "no response"}` };
  }
  if (delivery.status < 200 || delivery.status > 299) return { code: 11200, text: `HTTP retrieval failure: status ${delivery.status}` };
  if (delivery.failure === "body-too-large") return { code: 11750, text: "TwiML response body too large" };
  return undefined;
}
