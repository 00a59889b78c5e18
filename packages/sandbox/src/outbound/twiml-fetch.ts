// The one TwiML fetch pipeline of the sandbox, shared by inbound messages (a number's or a Messaging
// Service's webhook), calls (Url, Redirect, Gather/Record/Dial actions) and inbound calls:
// fetch (signed) → check the response → check Content-Type → parse → and, for `<Redirect>`, resolve
// and count the next document. Every failure becomes a Monitor alert with Twilio's code, here only.
import { parseTwiml, TwimlParseError, type TwimlNode } from "@twilio-kit/twiml";
import type { Context } from "../engine/context.js";
import { resolveUrl } from "../engine/util.js";
import { deliveryFailure, raiseAlert } from "./alerts.js";
import type { WebhookDelivery } from "./webhook.js";

/**
 * Twilio's codes for a TwiML document that cannot be used (https://www.twilio.com/docs/api/errors/NNNNN).
 * 11200/11205/11750 (HTTP retrieval failure, connection timeout, response too large) come from
 * `deliveryFailure` in alerts.ts, shared with status callbacks.
 */
export const TWIML_ERRORS = {
  /** Invalid URL format: "Bad URL in Play or Redirect Verb Body", or in a verb's action attribute. */
  invalidUrl: 11100,
  /** Document parse failure: the body is not well-formed TwiML. */
  parseFailure: 12100,
  /** Schema validation warning: a verb that is not valid where it appears (or is not emulated). */
  schemaWarning: 12200,
  /** Invalid Content-Type: TwiML must come as text/xml, application/xml or text/html. */
  invalidContentType: 12300,
  /** Document retrieval limit reached (see MAX_TWIML_DOCUMENTS). */
  documentLimit: 14106,
} as const;

/**
 * How many TwiML documents one chain of `<Redirect>`s may fetch. Twilio documents this limit for
 * message replies: "Your Message Reply session has requested too many documents. The limit is 50"
 * (warning 14106, https://www.twilio.com/docs/api/errors/14106). Twilio publishes no separate number
 * for calls, so the sandbox applies the same bound to a call's redirects that follow each other with
 * no verb taking time in between: a redirect loop ends with an alert instead of spinning forever.
 */
export const MAX_TWIML_DOCUMENTS = 50;

/** Whether a response's Content-Type can carry TwiML. */
export function isXmlContentType(contentType: string | null): boolean {
  if (!contentType) return false;
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return type === "text/xml" || type === "application/xml" || type === "text/html";
}

/** Who a TwiML alert is about: the account and the resource (MessageSid, CallSid). */
export interface TwimlOwner {
  accountSid: string;
  ref: string;
}

/** One TwiML document to fetch. */
export interface TwimlFetchRequest extends TwimlOwner {
  /** Webhook kind for the delivery log: `sms`, `voice`, … */
  kind: string;
  url: string;
  method: string;
  params: Record<string, string>;
  /** An empty body (204, or 200 with nothing) means "nothing to do" rather than a parse failure (messaging). */
  allowEmpty?: boolean;
  /** Checked once the response came: false when the resource moved on meanwhile (a call hung up). */
  isCurrent?: () => boolean;
}

/** What the pipeline made of a fetch. */
export type TwimlFetchResult =
  /** A usable document; `root` is null for an allowed empty body. */
  | { kind: "ok"; root: TwimlNode | null; delivery: WebhookDelivery }
  /** The fetch or the document failed; the alert is raised. Callers try their fallback URL. */
  | { kind: "failed"; delivery: WebhookDelivery }
  /** The answer came too late to matter (`isCurrent` said so); nothing was raised. */
  | { kind: "stale"; delivery: WebhookDelivery };

/** Fetches a TwiML document and parses it; every failure is raised as an alert on the owner. */
export async function fetchTwiml(ctx: Context, request: TwimlFetchRequest): Promise<TwimlFetchResult> {
  const delivery = await ctx.send({
    kind: request.kind,
    ref: request.ref,
    accountSid: request.accountSid,
    authToken: ctx.authTokenOf(request.accountSid),
    url: request.url,
    method: request.method,
    params: request.params,
  });
  if (request.isCurrent && !request.isCurrent()) return { kind: "stale", delivery };
  const failure = deliveryFailure(delivery);
  if (failure) {
    raiseAlert(ctx, request.accountSid, failure.code, failure.text, request.ref, delivery);
    return { kind: "failed", delivery };
  }
  if (request.allowEmpty && !delivery.body.trim()) return { kind: "ok", root: null, delivery };
  if (!isXmlContentType(delivery.contentType)) {
    raiseAlert(ctx, request.accountSid, TWIML_ERRORS.invalidContentType, `Invalid Content-Type: ${delivery.contentType ?? "(none)"}`, request.ref, delivery);
    return { kind: "failed", delivery };
  }
  const root = parseDocument(ctx, request, delivery.body, delivery);
  return root ? { kind: "ok", root, delivery } : { kind: "failed", delivery };
}

/**
 * Parses TwiML (fetched, or inline like a call's `Twiml` parameter); raises 12100 when it is not
 * well-formed. Returns undefined then.
 * @throws whatever is not a TwimlParseError (a bug of ours, never swallowed)
 */
export function parseDocument(ctx: Context, owner: TwimlOwner, xml: string, delivery?: WebhookDelivery): TwimlNode | undefined {
  try {
    return parseTwiml(xml);
  } catch (error) {
    // anything but a parse error is a bug of ours: let it surface
    if (!(error instanceof TwimlParseError)) throw error;
    raiseAlert(ctx, owner.accountSid, TWIML_ERRORS.parseFailure, `Document parse failure: ${error.message}`, owner.ref, delivery);
    return undefined;
  }
}

/**
 * The URL a `<Redirect>` leads to, or undefined after raising why it cannot be followed: 11100 for a
 * URL that is not http(s), 14106 once the chain already fetched `MAX_TWIML_DOCUMENTS` documents.
 * @param documents documents fetched so far in this chain of redirects (the current one included)
 */
export function redirectTarget(ctx: Context, owner: TwimlOwner, verb: TwimlNode, baseUrl: string, documents: number, delivery?: WebhookDelivery): string | undefined {
  const target = resolveUrl(verb.text.trim(), baseUrl);
  if (!target) {
    raiseAlert(ctx, owner.accountSid, TWIML_ERRORS.invalidUrl, `<Redirect> has no valid URL: ${JSON.stringify(verb.text.trim())}`, owner.ref, delivery);
    return undefined;
  }
  if (documents >= MAX_TWIML_DOCUMENTS) {
    raiseAlert(ctx, owner.accountSid, TWIML_ERRORS.documentLimit, `Document retrieval limit reached: more than ${MAX_TWIML_DOCUMENTS} TwiML documents in one chain of <Redirect>s`, owner.ref, delivery, "warning");
    return undefined;
  }
  return target;
}
