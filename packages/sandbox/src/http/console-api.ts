// Read routes the browser console needs beyond the control API (handsets, one thread a page at a
// time, calls of a handset) and the replay of a logged webhook. They live under /_sandbox/console/
// and follow the control API's rules (state changes need a JSON body, see guards.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "../engine/context.js";
import { settleMessage } from "../messages/lifecycle.js";
import type { MessageDoc } from "../messages/message.js";
import type { NumberDoc } from "../numbers/number.js";
import type { CallDoc } from "../voice/call.js";
import { encodeForm } from "./form.js";
import { signTwilioRequest } from "../outbound/signing.js";
import type { WebhookDelivery } from "../outbound/webhook.js";
import { INVALID_PARAMETER, SandboxHttpError, badRequest } from "./errors.js";
import { assertControlWrite } from "./guards.js";

/** Messages scanned (newest first) to find the handsets: a bound, so a huge store stays fast. */
export const HANDSET_SCAN_LIMIT = 5000;
/** Most handsets listed. */
const MAX_HANDSETS = 200;
const MAX_PAGE = 200;

type Answer = { status: number; body: unknown };

function pageSize(search: URLSearchParams, fallback: number): number {
  const raw = search.get("limit");
  if (raw === null) return fallback;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw badRequest(INVALID_PARAMETER, `limit must be an integer in [1, ${MAX_PAGE}]`);
  return limit;
}

function cursor(search: URLSearchParams, name: string): number | undefined {
  const raw = search.get(name);
  if (raw === null || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw badRequest(INVALID_PARAMETER, `${name} must be a non-negative integer`);
  return value;
}

function requiredParam(search: URLSearchParams, name: string): string {
  const value = search.get(name);
  if (!value) throw badRequest(INVALID_PARAMETER, `${name} is required`);
  return value;
}

/** The account's numbers with their webhook URLs. */
function numbers(ctx: Context) {
  return ctx.store.list<NumberDoc>("number", { order: "asc", limit: 1000 }).map(({ doc }) => ({
    sid: doc.sid,
    accountSid: doc.account_sid,
    phoneNumber: doc.phone_number,
    friendlyName: doc.friendly_name,
    smsUrl: doc.sms_url,
    smsMethod: doc.sms_method,
    voiceUrl: doc.voice_url,
    voiceMethod: doc.voice_method,
    statusCallback: doc.status_callback,
  }));
}

/** External numbers seen in the newest messages and calls, newest first, with their last activity. */
function handsets(ctx: Context, owned: Set<string>) {
  const seen = new Map<string, { number: string; lastAt: number; last: string }>();
  const note = (number: string, at: number, last: string) => {
    if (owned.has(number) || seen.has(number) || seen.size >= MAX_HANDSETS) return;
    seen.set(number, { number, lastAt: at, last });
  };
  for (const { doc } of ctx.store.list<MessageDoc>("message", { order: "desc", limit: HANDSET_SCAN_LIMIT })) {
    note(doc.direction === "inbound" ? doc.from : doc.to, Date.parse(doc.date_created), doc.body);
  }
  for (const { doc } of ctx.store.list<CallDoc>("call", { order: "desc", limit: 500 })) {
    note(doc.direction === "inbound" ? doc.from : doc.to, Date.parse(doc.date_created as string), "Call");
  }
  return [...seen.values()].sort((a, b) => b.lastAt - a.lastAt);
}

/** A message as the console shows it. */
function bubble(ctx: Context, seq: number, raw: MessageDoc) {
  const doc = settleMessage(ctx, raw);
  return {
    seq,
    sid: doc.sid,
    from: doc.from,
    to: doc.to,
    body: doc.body,
    status: doc.status,
    direction: doc.direction,
    errorCode: doc.error_code,
    numMedia: Number(doc.num_media),
    // the URLs only: the console links them and never fetches them (it stays on the sandbox's origin)
    media: Number(doc.num_media) > 0 ? ctx.store.list("media", { parentSid: doc.sid, order: "asc", limit: 10 }).map(({ doc: m }) => ({ url: m._url as string, contentType: m.content_type as string })) : [],
    dateCreated: doc.date_created,
  };
}

/** One page of the thread between a handset and a number, newest first; `before` pages backwards. */
function thread(ctx: Context, search: URLSearchParams) {
  const handset = requiredParam(search, "handset");
  const number = requiredParam(search, "number");
  const limit = pageSize(search, 50);
  const before = cursor(search, "before");
  // seq is one order over all documents, so one cursor pages both directions of the thread
  const query = { order: "desc" as const, limit, ...(before === undefined ? {} : { afterSeq: before }) };
  const sent = ctx.store.list<MessageDoc>("message", { ...query, key1: handset, key2: number });
  const received = ctx.store.list<MessageDoc>("message", { ...query, key1: number, key2: handset });
  const page = [...sent, ...received].sort((a, b) => b.seq - a.seq).slice(0, limit);
  const messages = page.map(({ seq, doc }) => bubble(ctx, seq, doc));
  return { messages, next: page.length === limit ? page[page.length - 1]!.seq : null };
}

/** The newest calls from or to a handset. */
function calls(ctx: Context, search: URLSearchParams) {
  const handset = requiredParam(search, "handset");
  const limit = pageSize(search, 20);
  const to = ctx.store.list<CallDoc>("call", { order: "desc", limit, key1: handset });
  const from = ctx.store.list<CallDoc>("call", { order: "desc", limit, key2: handset });
  return {
    calls: [...to, ...from]
      .sort((a, b) => b.seq - a.seq)
      .slice(0, limit)
      .map(({ doc }) => ({ sid: doc.sid, from: doc.from, to: doc.to, status: doc.status, direction: doc.direction, dateCreated: doc.date_created })),
  };
}

/** Sends a logged delivery again: same URL, method, params and idempotency token, signed anew. */
async function replay(ctx: Context, body: Record<string, unknown>, timeoutMs: number): Promise<WebhookDelivery & { id: number }> {
  const id = Number(body.id ?? body.Id);
  const ref = String(body.ref ?? body.Ref ?? "");
  if (!Number.isInteger(id) || !ref) throw badRequest(INVALID_PARAMETER, "id (a delivery id) and ref (its SID) are required");
  const original = (ctx.store.deliveries({ ref, limit: 10_000 }) as Array<WebhookDelivery & { id: number }>).find((entry) => entry.id === id);
  if (!original) throw new SandboxHttpError(404, 20404, `Webhook delivery ${id} of ${ref} was not found`);
  const token = ctx.authTokenOf(original.params.AccountSid ?? "");
  const isGet = original.method === "GET";
  const signature = await signTwilioRequest(token, original.signedUrl, isGet ? {} : original.params);
  const headers: Record<string, string> = { "X-Twilio-Signature": signature, "I-Twilio-Idempotency-Token": original.idempotencyToken, "User-Agent": "TwilioProxy/1.1", Accept: "*/*" };
  if (!isGet) headers["Content-Type"] = "application/x-www-form-urlencoded";
  const delivery: WebhookDelivery & { replayOf: number } = { ...original, at: ctx.clock.now(), signature, status: null, contentType: null, body: "", latencyMs: 0, error: null, failure: null, replayOf: id };
  delete (delivery as { id?: number }).id;
  const started = performance.now();
  try {
    const response = await fetch(original.url, { method: original.method, headers, body: isGet ? undefined : encodeForm(original.params), signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    delivery.status = response.status;
    delivery.contentType = response.headers.get("content-type");
    delivery.body = (await response.text()).slice(0, 64 * 1024);
  } catch (error) {
    const isTimeout = (error as Error).name === "TimeoutError";
    delivery.failure = isTimeout ? "timeout" : "connection";
    delivery.error = isTimeout ? `timed out after ${timeoutMs} ms` : String((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
  }
  delivery.latencyMs = Math.round((performance.now() - started) * 10) / 10;
  const logged = { ...delivery, id: ctx.store.logDelivery(ref, delivery) };
  ctx.events.emit({ type: "webhook", at: delivery.at, delivery: logged });
  return logged;
}

/** The console routes by `METHOD /path` (relative to /_sandbox/console). */
export async function consoleRoute(ctx: Context, method: string, path: string, search: URLSearchParams, body: () => Promise<Record<string, unknown>>): Promise<Answer | undefined> {
  switch (`${method} ${path}`) {
    case "GET /overview": {
      const owned = numbers(ctx);
      return { status: 200, body: { numbers: owned, handsets: handsets(ctx, new Set(owned.map((n) => n.phoneNumber))) } };
    }
    case "GET /thread":
      return { status: 200, body: thread(ctx, search) };
    case "GET /calls":
      return { status: 200, body: calls(ctx, search) };
    case "POST /webhooks/replay":
      return { status: 201, body: await replay(ctx, await body(), 15_000) };
    default:
      return undefined;
  }
}

/**
 * Answers a request under `/_sandbox/console/`; `path` is relative to it.
 * @throws SandboxHttpError 403 for a state change without a JSON body, 404 for an unknown route, 400 for bad input
 */
export async function handleConsoleApi(ctx: Context, req: IncomingMessage, res: ServerResponse, path: string, searchText: string, readBody: (req: IncomingMessage) => Promise<string>): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  // the same cross-site rule as every control write: a JSON body or the control header
  assertControlWrite(req);
  const body = async () => {
    const text = await readBody(req);
    if (!text.trim()) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw badRequest(INVALID_PARAMETER, "The body must be a JSON object");
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw badRequest(INVALID_PARAMETER, "The body must be a JSON object");
    return parsed as Record<string, unknown>;
  };
  const answer = await consoleRoute(ctx, method, path, new URLSearchParams(searchText), body);
  if (!answer) throw new SandboxHttpError(404, 20404, `No control route ${method} /_sandbox/console${path}`);
  await ctx.store.flushed();
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-store" });
  res.end(text);
}
