// The control API under /_sandbox/: what a test (or the CLI) does in place of a phone, a carrier
// and a clock. Bodies are JSON or form-encoded; names are accepted as `From` or `from`.
// It has no authentication: the sandbox listens on 127.0.0.1 unless told otherwise. A request that
// changes state needs a JSON body or the `X-Sandbox-Control` header (see guards.ts), so a web page
// the developer visits cannot drive it with a cross-site form.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createAccount } from "../accounts/account.js";
import { INVALID_PARAMETER, SandboxHttpError, badRequest } from "./errors.js";
import { parseForm } from "./form.js";
import { assertControlWrite } from "./guards.js";
import { deliverInboundSms } from "../messages/inbound.js";
import { forceMessageStatus } from "../messages/lifecycle.js";
import { createNumber, findNumber } from "../numbers/number.js";
import type { Sandbox } from "./server.js";
import { emulatedRoutes } from "./registry.js";
import { sendJson } from "./server.js";
import { isE164, isHttpUrl } from "../engine/util.js";
import { deliverInboundCall, sendDigits, sendSpeech } from "../voice/inbound.js";
import { transcriptOf } from "../voice/interpreter.js";
import { forceCallStatus, hangUp } from "../voice/lifecycle.js";
import { verificationCodes } from "../verify/codes.js";
import { createOAuthClient } from "../oauth/clients.js";

type Body = Record<string, unknown>;

function pick(body: Body, name: string): unknown {
  if (name in body) return body[name];
  const lower = name[0]!.toLowerCase() + name.slice(1);
  return body[lower];
}

function optionalString(body: Body, name: string): string | undefined {
  const value = pick(body, name);
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === "string") return value[0];
  if (typeof value !== "string") throw badRequest(INVALID_PARAMETER, `${name} must be a string`);
  return value;
}

function requiredString(body: Body, name: string): string {
  const value = optionalString(body, name);
  if (value === undefined || value === "") throw badRequest(INVALID_PARAMETER, `${name} is required`);
  return value;
}

function stringList(body: Body, ...names: string[]): string[] {
  for (const name of names) {
    const value = pick(body, name);
    if (value === undefined || value === null) continue;
    const list = Array.isArray(value) ? value : [value];
    if (list.some((item) => typeof item !== "string")) throw badRequest(INVALID_PARAMETER, `${name} must be a string or an array of strings`);
    return list as string[];
  }
  return [];
}

async function parseBody(req: IncomingMessage, readBody: (req: IncomingMessage) => Promise<string>): Promise<Body> {
  const text = await readBody(req);
  if (!text.trim()) return {};
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") {
    const form = parseForm(text);
    return Object.fromEntries(Object.entries(form).map(([name, values]) => [name, values.length === 1 ? values[0] : values]));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest(INVALID_PARAMETER, "The body is neither JSON nor form-encoded");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw badRequest(INVALID_PARAMETER, "The JSON body must be an object");
  return parsed as Body;
}

function info(sandbox: Sandbox) {
  return {
    url: sandbox.url,
    accountSid: sandbox.defaults.accountSid,
    authToken: sandbox.defaults.authToken,
    phoneNumber: sandbox.defaults.phoneNumber,
    clock: { mode: sandbox.clock.mode, now: sandbox.clock.now() },
  };
}

/** Seeds accounts and numbers: `{ accounts: [{ sid?, authToken?, friendlyName?, parentSid? }], numbers: [{ phoneNumber, accountSid?, smsUrl?, voiceUrl?, … }] }`. */
function seed(sandbox: Sandbox, body: Body) {
  const { ctx, store, defaults } = sandbox;
  const accounts = pick(body, "Accounts") ?? [];
  const numbers = pick(body, "Numbers") ?? [];
  if (!Array.isArray(accounts) || !Array.isArray(numbers)) throw badRequest(INVALID_PARAMETER, "accounts and numbers must be arrays");
  return store.transaction(() => {
    const created = { accounts: [] as unknown[], numbers: [] as unknown[] };
    for (const raw of accounts) {
      if (!raw || typeof raw !== "object") throw badRequest(INVALID_PARAMETER, "each account must be an object");
      const entry = raw as Body;
      const sid = optionalString(entry, "Sid");
      if (sid !== undefined && !/^AC[0-9a-f]{32}$/.test(sid)) throw badRequest(INVALID_PARAMETER, "an account sid is AC + 32 lowercase hex");
      if (sid && store.get("account", sid)) throw new SandboxHttpError(409, INVALID_PARAMETER, `Account ${sid} already exists`);
      const parentSid = optionalString(entry, "ParentSid");
      if (parentSid && !store.get("account", parentSid)) throw badRequest(INVALID_PARAMETER, `Parent account ${parentSid} does not exist`);
      const doc = createAccount(ctx, { sid, authToken: optionalString(entry, "AuthToken"), friendlyName: optionalString(entry, "FriendlyName"), parentSid: parentSid ?? null });
      created.accounts.push({ sid: doc.sid, authToken: doc.auth_token, friendlyName: doc.friendly_name });
    }
    for (const raw of numbers) {
      if (!raw || typeof raw !== "object") throw badRequest(INVALID_PARAMETER, "each number must be an object");
      const entry = raw as Body;
      const phoneNumber = requiredString(entry, "PhoneNumber");
      if (!isE164(phoneNumber)) throw badRequest(21421, `PhoneNumber ${phoneNumber} is not E.164`);
      if (findNumber(ctx, phoneNumber)) throw new SandboxHttpError(409, 21422, `PhoneNumber ${phoneNumber} is already owned`);
      const accountSid = optionalString(entry, "AccountSid") ?? defaults.accountSid;
      if (!store.get("account", accountSid)) throw badRequest(INVALID_PARAMETER, `Account ${accountSid} does not exist`);
      const urls: Record<string, string | undefined> = {};
      for (const name of ["SmsUrl", "SmsFallbackUrl", "VoiceUrl", "VoiceFallbackUrl", "StatusCallback"]) {
        const value = optionalString(entry, name);
        if (value !== undefined && value !== "" && !isHttpUrl(value)) throw badRequest(INVALID_PARAMETER, `${name} must be an http(s) URL`);
        urls[name] = value;
      }
      const doc = createNumber(ctx, {
        accountSid,
        phoneNumber,
        friendlyName: optionalString(entry, "FriendlyName"),
        smsUrl: urls.SmsUrl,
        smsMethod: optionalString(entry, "SmsMethod")?.toUpperCase(),
        smsFallbackUrl: urls.SmsFallbackUrl,
        voiceUrl: urls.VoiceUrl,
        voiceMethod: optionalString(entry, "VoiceMethod")?.toUpperCase(),
        voiceFallbackUrl: urls.VoiceFallbackUrl,
        statusCallback: urls.StatusCallback,
      });
      created.numbers.push({ sid: doc.sid, phoneNumber: doc.phone_number, accountSid });
    }
    return created;
  });
}

function serveEvents(sandbox: Sandbox, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive" });
  res.write("retry: 1000\n\n");
  sandbox.sseClients.add(res);
  // between end() (sandbox closing) and the "close" event a write would throw "write after end"
  const off = sandbox.events.on((event) => {
    if (!res.writableEnded) res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  });
  // a comment every 15 s keeps proxies from closing an idle stream
  const keepAlive = setInterval(() => res.writableEnded || res.write(": keep-alive\n\n"), 15_000);
  keepAlive.unref();
  const close = () => {
    clearInterval(keepAlive);
    off();
    sandbox.sseClients.delete(res);
  };
  req.on("close", close);
  res.on("close", close);
}

function limitOf(search: URLSearchParams): number {
  const raw = search.get("limit");
  if (raw === null) return 100;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw badRequest(INVALID_PARAMETER, "limit must be an integer in [1, 10000]");
  return limit;
}

/** What a control route gets: the sandbox, the request, the SID in the path, the query and the body. */
interface ControlRequest {
  sandbox: Sandbox;
  req: IncomingMessage;
  res: ServerResponse;
  /** The message or call SID of `/messages/:sid/…` and `/calls/:sid/…`. */
  sid: string;
  search: URLSearchParams;
  /** The parsed JSON or form body (read on first call). */
  body(): Promise<Body>;
}

/** A control route's answer: status and JSON body, or nothing when the route answered itself (SSE). */
type ControlRoute = (request: ControlRequest) => Promise<{ status: number; body: unknown } | void> | { status: number; body: unknown } | void;

const ok = (body: unknown) => ({ status: 200, body });
const created = (body: unknown) => ({ status: 201, body });

/** The control routes by `METHOD /path`, with `:sid` for a message or call SID. */
const CONTROL_ROUTES: Record<string, ControlRoute> = {
  "GET /": ({ sandbox }) => ok(info(sandbox)),
  "GET /info": ({ sandbox }) => ok(info(sandbox)),
  "GET /health": () => ok({ ok: true }),
  "GET /operations": () => ok({ emulated: emulatedRoutes() }),
  "POST /reset": ({ sandbox }) => {
    sandbox.reset();
    return ok(info(sandbox));
  },
  "POST /seed": async ({ sandbox, body }) => created(seed(sandbox, await body())),
  "GET /clock": ({ sandbox }) => ok({ mode: sandbox.clock.mode, now: sandbox.clock.now() }),
  "POST /clock/advance": async ({ sandbox, body }) => {
    const raw = pick(await body(), "Ms");
    const ms = typeof raw === "string" ? Number(raw) : raw;
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0 || ms > 366 * 86_400_000) {
      throw badRequest(INVALID_PARAMETER, "ms must be a number of milliseconds in [0, 1 year]");
    }
    await sandbox.clock.advance(ms);
    return ok({ mode: sandbox.clock.mode, now: sandbox.clock.now() });
  },
  "POST /messages/inbound": inboundSms,
  "POST /sms/inbound": inboundSms,
  "POST /messages/:sid/status": async ({ sandbox, sid, body }) => {
    const parsed = await body();
    const rawCode = pick(parsed, "ErrorCode");
    const errorCode = rawCode === undefined || rawCode === null ? undefined : Number(rawCode);
    return ok(await forceMessageStatus(sandbox.ctx, sid, requiredString(parsed, "Status"), errorCode));
  },
  "POST /calls/inbound": async ({ sandbox, body }) => {
    const parsed = await body();
    return created(await deliverInboundCall(sandbox.ctx, { from: requiredString(parsed, "From"), to: requiredString(parsed, "To") }));
  },
  "POST /calls/:sid/digits": async ({ sandbox, sid, body }) => {
    await sendDigits(sandbox.ctx, sid, requiredString(await body(), "Digits"));
    return ok(transcriptOf(sandbox.ctx, sid));
  },
  "POST /calls/:sid/speech": async ({ sandbox, sid, body }) => {
    await sendSpeech(sandbox.ctx, sid, requiredString(await body(), "SpeechResult"));
    return ok(transcriptOf(sandbox.ctx, sid));
  },
  "POST /calls/:sid/hangup": async ({ sandbox, sid }) => {
    await hangUp(sandbox.ctx, sid);
    return ok(transcriptOf(sandbox.ctx, sid));
  },
  "POST /calls/:sid/status": async ({ sandbox, sid, body }) => {
    await forceCallStatus(sandbox.ctx, sid, requiredString(await body(), "Status"));
    return ok(transcriptOf(sandbox.ctx, sid));
  },
  "GET /calls/:sid/transcript": ({ sandbox, sid }) => ok(transcriptOf(sandbox.ctx, sid)),
  "GET /webhooks": ({ sandbox, search }) => ok({ webhooks: sandbox.store.deliveries({ ref: search.get("sid") ?? undefined, limit: limitOf(search) }) }),
  "GET /alerts": ({ sandbox, search }) => ok({ alerts: sandbox.store.list("alert", { order: "asc", limit: limitOf(search) }).map((row) => row.doc) }),
  // the codes Verify never returns: what the user would read on their phone or in their inbox
  "GET /verify/codes": ({ sandbox, search }) =>
    ok({
      codes: verificationCodes(sandbox.ctx, {
        to: search.get("To") ?? search.get("to") ?? undefined,
        serviceSid: search.get("ServiceSid") ?? search.get("serviceSid") ?? undefined,
        verificationSid: search.get("VerificationSid") ?? search.get("verificationSid") ?? undefined,
        limit: limitOf(search),
      }),
    }),
  // client credentials for `POST /oauth/v2/token` (the secret is shown once)
  "POST /oauth/clients": async ({ sandbox, body }) => {
    const parsed = await body();
    const accountSid = optionalString(parsed, "AccountSid") ?? sandbox.defaults.accountSid;
    return created(createOAuthClient(sandbox.ctx, accountSid, optionalString(parsed, "FriendlyName") ?? ""));
  },
  "GET /events": ({ sandbox, req, res }) => serveEvents(sandbox, req, res),
};

async function inboundSms({ sandbox, body }: ControlRequest) {
  const parsed = await body();
  const result = await deliverInboundSms(sandbox.ctx, {
    from: requiredString(parsed, "From"),
    to: requiredString(parsed, "To"),
    body: optionalString(parsed, "Body") ?? "",
    mediaUrls: stringList(parsed, "MediaUrl", "MediaUrls"),
  });
  return created(result);
}

/**
 * Routes one control request; `path` is relative to `/_sandbox`.
 * @throws SandboxHttpError 404 for an unknown route, 403 for a state change without the control header, and the 4xx of the route itself
 */
export async function handleControl(
  sandbox: Sandbox,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  searchText: string,
  readBody: (req: IncomingMessage) => Promise<string>,
): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  // before anything runs or is read: a cross-site HTML form must not reset data or send inbound messages
  assertControlWrite(req);
  const parts = path.split("/").filter(Boolean);
  const key = `${method} /${parts.map((part, i) => (i === 1 && /^(SM|MM|CA)[0-9a-f]{32}$/.test(part) ? ":sid" : part)).join("/")}`;
  const route = CONTROL_ROUTES[key];
  if (!route) throw new SandboxHttpError(404, 20404, `No control route ${method} /_sandbox${path}`);
  if (key !== "GET /events") {
    // every control answer is sent after its writes are committed
    const write = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      // a failed COMMIT lost the writes: close the connection rather than acknowledge them
      sandbox.store.flushed().then(() => write(...args), () => res.destroy());
      return res;
    }) as typeof res.end;
  }
  let parsed: Promise<Body> | undefined;
  const answer = await route({
    sandbox,
    req,
    res,
    sid: parts[1] ?? "",
    search: new URLSearchParams(searchText),
    body: () => (parsed ??= parseBody(req, readBody)),
  });
  if (answer) sendJson(res, answer.status, answer.body);
}
