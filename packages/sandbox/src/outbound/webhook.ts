// Outgoing webhooks, signed like Twilio signs them, with every delivery logged.
import { randomUUID } from "node:crypto";
import type { Events } from "../engine/events.js";
import { encodeForm } from "../http/form.js";
import { signTwilioRequest } from "./signing.js";
import { fetchWithChallenge, splitUrlCredentials } from "./webhook-auth.js";
import type { Store } from "../engine/store.js";

/** One webhook to send. */
export interface WebhookRequest {
  /** What the webhook is for: `sms`, `message-status`, `voice`, `call-status`, `gather`, … */
  kind: string;
  /** The resource it is about (MessageSid, CallSid): the delivery log is searchable by it. */
  ref: string;
  accountSid: string;
  authToken: string;
  url: string;
  method: string;
  params: Record<string, string>;
}

/** The outcome of one delivery, as logged. */
export interface WebhookDelivery {
  kind: string;
  ref: string;
  at: number;
  method: string;
  url: string;
  /** The URL the signature covers (differs from `url` when `publicBaseUrl` is set). */
  signedUrl: string;
  params: Record<string, string>;
  signature: string;
  idempotencyToken: string;
  /** HTTP status, or null when no response came (timeout, refused connection). */
  status: number | null;
  contentType: string | null;
  /** Response body, cut at 64 KiB. */
  body: string;
  latencyMs: number;
  /** What went wrong, for people: `timed out after 15000 ms`, `ECONNREFUSED`, … */
  error: string | null;
  /** What went wrong, for code (alerts are chosen from this, never from the `error` text). */
  failure: WebhookFailure | null;
}

/** Why a delivery failed: no answer in time, no connection, or an answer over 64 KiB. */
export type WebhookFailure = "timeout" | "connection" | "body-too-large";

/** Options of the sender. */
export interface WebhookOptions {
  timeoutMs: number;
  /** Signs for this origin (and path prefix) instead of the one actually requested. */
  publicBaseUrl?: string | undefined;
  fetch: typeof fetch;
}

const MAX_BODY = 64 * 1024;

/** Rewrites `http://127.0.0.1:3000/sms?x=1` to `{publicBaseUrl}/sms?x=1` for signing. */
export function publicUrlFor(url: string, publicBaseUrl: string | undefined): string {
  if (!publicBaseUrl) return url;
  const target = new URL(url);
  return publicBaseUrl.replace(/\/+$/, "") + target.pathname + target.search;
}

/** Creates the webhook sender. */
export function createWebhookSender(store: Store, events: Events, now: () => number, options: WebhookOptions) {
  return async function send(request: WebhookRequest): Promise<WebhookDelivery> {
    const method = request.method.toUpperCase() === "GET" ? "GET" : "POST";
    // `user:pass@` only answers the app's challenge: it is never fetched, signed, logged or emitted.
    // Twilio drops username and password from the URL before computing the signature.
    const { url: bareUrl, credentials } = splitUrlCredentials(request.url);
    let url = bareUrl;
    let body: string | undefined;
    if (method === "GET") {
      // GET: the params go in the query string and are signed as part of the URL
      const query = encodeForm(request.params);
      url += (url.includes("?") ? "&" : "?") + query;
    } else {
      body = encodeForm(request.params);
    }
    const signedUrl = publicUrlFor(url, options.publicBaseUrl);
    const signature = await signTwilioRequest(request.authToken, signedUrl, method === "GET" ? {} : request.params);
    const idempotencyToken = `${request.accountSid}-${randomUUID()}`;
    const headers = webhookHeaders(signature, idempotencyToken, body !== undefined, options.publicBaseUrl);
    const started = performance.now();
    const delivery: WebhookDelivery = {
      kind: request.kind,
      ref: request.ref,
      at: now(),
      method,
      url,
      signedUrl,
      params: request.params,
      signature,
      idempotencyToken,
      status: null,
      contentType: null,
      body: "",
      latencyMs: 0,
      error: null,
      failure: null,
    };
    await perform(delivery, { method, headers, body }, credentials, options);
    delivery.latencyMs = Math.round((performance.now() - started) * 10) / 10;
    try {
      store.logDelivery(request.ref, delivery);
    } catch {
      // the store is closed (sandbox stopping): the delivery still happened, only the log is lost
    }
    events.emit({ type: "webhook", at: delivery.at, delivery });
    return delivery;
  };
}

/** The headers Twilio sends with a webhook (and the forwarding headers a proxy would add for `publicBaseUrl`). */
function webhookHeaders(signature: string, idempotencyToken: string, isForm: boolean, publicBaseUrl: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    "X-Twilio-Signature": signature,
    "I-Twilio-Idempotency-Token": idempotencyToken,
    "User-Agent": "TwilioProxy/1.1",
    Accept: "*/*",
  };
  if (isForm) headers["Content-Type"] = "application/x-www-form-urlencoded";
  if (publicBaseUrl) {
    const pub = new URL(publicBaseUrl);
    headers["X-Forwarded-Proto"] = pub.protocol.slice(0, -1);
    headers["X-Forwarded-Host"] = pub.host;
  }
  return headers;
}

/** Sends the request and records on the delivery what came back (status, type, body cut at 64 KiB) or why nothing did. */
async function perform(
  delivery: WebhookDelivery,
  init: { method: string; headers: Record<string, string>; body: string | undefined },
  credentials: Parameters<typeof fetchWithChallenge>[3],
  options: WebhookOptions,
): Promise<void> {
  const url = delivery.url;
  const { method, headers, body } = init;
  try {
    const response = await fetchWithChallenge(options.fetch, url, {
      method,
      headers,
      body,
      redirect: "follow",
      signal: AbortSignal.timeout(options.timeoutMs),
    }, credentials);
    delivery.status = response.status;
    delivery.contentType = response.headers.get("content-type");
    const text = await response.text();
    delivery.body = text.length > MAX_BODY ? text.slice(0, MAX_BODY) : text;
    if (text.length > MAX_BODY) {
      delivery.error = "response body larger than 64 KiB";
      delivery.failure = "body-too-large";
    }
  } catch (error) {
    // AbortSignal.timeout aborts with a TimeoutError DOMException; fetch's network errors are TypeErrors
    const name = (error as Error).name;
    const isTimeout = name === "TimeoutError" || name === "AbortError";
    delivery.failure = isTimeout ? "timeout" : "connection";
    delivery.error = isTimeout ? `timed out after ${options.timeoutMs} ms` : describe(error);
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}

/** The sender function. */
export type WebhookSender = ReturnType<typeof createWebhookSender>;
