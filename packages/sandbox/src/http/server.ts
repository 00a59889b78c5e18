// The sandbox: SQLite store, virtual clock, webhook sender and the node:http server that routes every
// operation of every Twilio spec (emulated ones statefully, the rest to a "not emulated" error).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createAccount, type AccountDoc } from "../accounts/account.js";
import { createAuthenticator } from "../accounts/auth.js";
import { createClock, type ClockMode } from "../engine/clock.js";
import { DEFAULT_DELAYS, type Context, type Delays } from "../engine/context.js";
import { handleControl } from "./control.js";
import { handleConsoleApi } from "./console-api.js";
import { isConsoleRequest, serveConsoleAsset } from "./console-assets.js";
import { INVALID_PARAMETER, NOT_EMULATED, notFound, SandboxHttpError } from "./errors.js";
import { createEvents } from "../engine/events.js";
import { parseForm } from "./form.js";
import { ClientAbortError, readBody } from "./body.js";
import { assertAllowedHost } from "./guards.js";
import { ROUTE_ROWS } from "../generated/routes.js";
import { HANDLERS, REQUIRED_CODES } from "./registry.js";
import { runMessageJob, runMessageNotice } from "../messages/lifecycle.js";
import { createNumber } from "../numbers/number.js";
import { createRouter, validateParams } from "./route-table.js";
import { openStore } from "../engine/store.js";
import { createSidFactory } from "../engine/util.js";
import { runCallJob } from "../voice/lifecycle.js";
import { dropAllStreams } from "../voice/streams/hooks.js";
import { createWebhookSender } from "../outbound/webhook.js";
import { authorizeKey } from "../accounts/keys-authorize.js";
import { authenticateBearer } from "../oauth/bearer.js";
import { handleTokenRequest, isTokenEndpoint } from "../oauth/token-endpoint.js";
import { loadPhoneNumberLibrary } from "../lookup/parse.js";
import { negotiateRepresentation } from "./representations/negotiate.js";
import { assertRepresentable, rememberRepresentation, representationOf, writeError, writeResult } from "./representations/respond.js";

/** The documented credentials of a fresh sandbox. */
export const DEFAULT_ACCOUNT_SID = "AC5a4db0c05a4db0c05a4db0c05a4db0c0";
/** Auth token of the default account. */
export const DEFAULT_AUTH_TOKEN = "c0ffee00c0ffee00c0ffee00c0ffee00";
/** The default account's SMS + MMS + voice number. */
export const DEFAULT_PHONE_NUMBER = "+15555550100";

/** Options of `createSandbox` and `startSandbox`. */
export interface SandboxOptions {
  /** Listen port; 0 (the default of `startSandbox`) picks a free one. */
  port?: number;
  /** Listen address. Default `127.0.0.1`. */
  host?: string;
  /** SQLite file, or `:memory:` (the default). */
  db?: string;
  /** `real` (default): statuses move on their own; `manual`: only `advance(ms)` moves time. */
  clock?: ClockMode;
  /** Start of virtual time in manual mode, ms since epoch. Default: now. */
  startTimeMs?: number;
  /** Webhooks are signed for this origin instead of the one requested (tests of apps behind a proxy). */
  publicBaseUrl?: string;
  /** Makes SIDs reproducible: the same seed and the same calls give the same SIDs. */
  seed?: string;
  /** Delays of the simulated network, in virtual milliseconds. */
  delays?: Partial<Delays>;
  /** How long a webhook may take before it counts as failed (Twilio: 15 s). Default 15 000. */
  webhookTimeoutMs?: number;
  /** Credentials and number of the default account (defaults are documented constants). */
  accountSid?: string;
  authToken?: string;
  phoneNumber?: string;
  /** The `fetch` used for webhooks. */
  fetch?: typeof fetch;
}

const TWILIO_HOST = /^([a-z0-9-]+)(?:\.[a-z0-9-]+)*\.twilio\.com(?::\d+)?$/i;

/** Opens the store and builds the shared context: clock, events, webhook sender, SIDs, credentials. */
function createCore(options: SandboxOptions) {
  const store = openStore(options.db ?? ":memory:");
  const events = createEvents();
  const sid = createSidFactory(options.seed);
  const delays: Delays = { ...DEFAULT_DELAYS, ...options.delays };
  const defaults = {
    accountSid: options.accountSid ?? DEFAULT_ACCOUNT_SID,
    authToken: options.authToken ?? DEFAULT_AUTH_TOKEN,
    phoneNumber: options.phoneNumber ?? DEFAULT_PHONE_NUMBER,
  };
  if (!/^AC[0-9a-f]{32}$/.test(defaults.accountSid)) throw new TypeError(`[@twilio-kit/sandbox] accountSid must be AC + 32 lowercase hex, got ${JSON.stringify(defaults.accountSid)}`);
  const tokens = new Map<string, string>();

  // the context is filled in below; handlers only run after construction
  const ctx = { store, events, sid, delays, seed: options.seed } as Context;
  const clock = createClock(
    store,
    options.clock ?? "real",
    (job) => (job.kind === "msg" ? runMessageJob(ctx, job) : runCallJob(ctx, job)),
    (notice) => runMessageNotice(ctx, notice),
    options.startTimeMs,
  );
  ctx.clock = clock;
  ctx.send = createWebhookSender(store, events, clock.now, {
    timeoutMs: options.webhookTimeoutMs ?? 15_000,
    publicBaseUrl: options.publicBaseUrl,
    fetch: options.fetch ?? globalThis.fetch,
  });
  const auth = createAuthenticator(ctx);
  ctx.invalidateAuth = () => {
    tokens.clear();
    auth.invalidate();
  };
  ctx.authTokenOf = (accountSid) => {
    let token = tokens.get(accountSid);
    if (token === undefined) {
      token = store.get<AccountDoc>("account", accountSid)?.auth_token ?? "";
      tokens.set(accountSid, token);
    }
    return token;
  };

  return { store, events, clock, ctx, auth, defaults };
}

/** The per-request pipeline of the Twilio API: routing, authentication, body, validation, handler, answer. */
function createApiHandler(ctx: Context, auth: ReturnType<typeof createAuthenticator>) {
  const { store } = ctx;
  const router = createRouter(ROUTE_ROWS);
  return async function handleApi(req: IncomingMessage, res: ServerResponse, pathname: string, search: string): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  // `Host: messaging.twilio.com` (proxied clients) or `/{domain}/…` (the core client's baseUrl rule)
  let domain: string;
  let path: string;
  const hostMatch = TWILIO_HOST.exec(req.headers.host ?? "");
  if (hostMatch) {
    domain = hostMatch[1]!.toLowerCase();
    path = pathname;
  } else {
    const slash = pathname.indexOf("/", 1);
    domain = slash === -1 ? pathname.slice(1) : pathname.slice(1, slash);
    path = slash === -1 ? "/" : pathname.slice(slash);
  }
  // v2010 answers XML without an extension and for `.xml`, CSV for `.csv`: route them to the `.json` operation
  const negotiated = negotiateRepresentation(domain, path);
  rememberRepresentation(req, negotiated.representation);
  path = negotiated.path;
  const match = router.match(method, domain, path);
  if (match.kind === "none") throw notFound(path);
  if (match.kind === "method-not-allowed") throw new SandboxHttpError(405, 20004, `Method ${method} not allowed on ${path}`);
  // the OAuth token endpoint authenticates with client credentials in its body, not with Basic auth
  if (isTokenEndpoint(match.operation)) return handleTokenRequest(ctx, req, res, readBody);
  // credentials first: an anonymous client never gets its body parsed
  const principal = authenticateBearer(ctx, req.headers.authorization) ?? auth.authenticate(req.headers.authorization);
  const body = await readBody(req);
  const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (body && contentType && contentType !== "application/x-www-form-urlencoded") {
    throw new SandboxHttpError(415, INVALID_PARAMETER, `Unsupported Content-Type ${contentType}: send application/x-www-form-urlencoded`);
  }
  const params = parseForm(search.slice(1));
  // one push per value: spreading 300,000 values of one name into push() overflows the stack
  for (const [name, values] of Object.entries(parseForm(body))) {
    const merged = (params[name] ??= []);
    for (const value of values) merged.push(value);
  }
  const { operation, pathParams } = match;
  assertRepresentable(negotiated.representation, operation, path);
  validateParams(operation, params, pathParams, REQUIRED_CODES[operation.operationId]);
  const handler = HANDLERS[operation.domain]?.[operation.operationId];
  if (!handler) {
    throw new SandboxHttpError(501, NOT_EMULATED, `${operation.method} ${operation.domain === "api" ? "" : `/${operation.domain}`}${operation.path} (${operation.operationId}) is not emulated by @twilio-kit/sandbox`);
  }
  authorizeKey(ctx, principal, operation, pathParams);
  const result = await handler({ ctx, operation, params, path: pathParams, principal, rawPath: path, headers: req.headers });
  // answer only once the writes are committed
  await store.flushed();
  writeResult(res, negotiated.representation, operation, result);
};
}

/**
 * Answers one HTTP request: the control API under `/_sandbox`, the Twilio API elsewhere; every
 * failure becomes a Twilio-shaped error (a 500 never echoes the request).
 */
function createRequestHandler(
  sandbox: () => Sandbox,
  handleApi: (req: IncomingMessage, res: ServerResponse, pathname: string, search: string) => Promise<void>,
  listening: () => { host: string; port: number } | undefined,
) {
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? "/";
    const q = raw.indexOf("?");
    const pathname = q === -1 ? raw : raw.slice(0, q);
    const search = q === -1 ? "" : raw.slice(q);
    try {
      assertAllowedHost(req, listening());
      // the browser console: its page and assets at the root, its read routes under /_sandbox/console/
      if (isConsoleRequest(req.method ?? "GET", pathname)) return serveConsoleAsset(req, res, pathname);
      if (pathname.startsWith("/_sandbox/console/")) return await handleConsoleApi(sandbox().ctx, req, res, pathname.slice("/_sandbox/console".length), search, readBody);
      if (pathname === "/_sandbox" || pathname.startsWith("/_sandbox/")) {
        await handleControl(sandbox(), req, res, pathname.slice("/_sandbox".length) || "/", search, readBody);
      } else {
        await handleApi(req, res, pathname, search);
      }
    } catch (error) {
      // the client is gone: nothing to answer, nothing worth a log line
      if (error instanceof ClientAbortError || res.destroyed || req.socket.destroyed) {
        res.destroy();
        return;
      }
      if (res.headersSent) {
        res.end();
        return;
      }
      await sandbox().store.flushed().catch(() => undefined);
      if (error instanceof SandboxHttpError) {
        // after a 413 the rest of the body is not read: close the connection instead of draining it
        if (error.status === 413) res.setHeader("Connection", "close");
        writeError(res, representationOf(req), error.toBody());
      } else {
        // never echo the request (it may carry credentials): the message and the route are enough
        process.emitWarning(`[@twilio-kit/sandbox] ${req.method} ${pathname}: ${(error as Error)?.stack ?? String(error)}`);
        sendJson(res, 500, new SandboxHttpError(500, 20500, "Internal Server Error").toBody());
      }
    }
  };
}

/**
 * Creates a sandbox (storage, clock, server) without listening yet.
 * @throws TypeError for an `accountSid` that is not AC + 32 lowercase hex
 */
export function createSandbox(options: SandboxOptions = {}) {
  const { store, events, clock, ctx, auth, defaults } = createCore(options);
  function seedDefaults(): void {
    store.transaction(() => {
      if (store.get("account", defaults.accountSid)) return;
      createAccount(ctx, { sid: defaults.accountSid, authToken: defaults.authToken, friendlyName: "Sandbox account" });
      createNumber(ctx, { accountSid: defaults.accountSid, phoneNumber: defaults.phoneNumber, friendlyName: "Sandbox number" });
    });
  }
  seedDefaults();

  const handleApi = createApiHandler(ctx, auth);
  const sseClients = new Set<ServerResponse>();

  let server: Server | undefined;
  let baseUrl = "";
  // the address and port requests must name in their Host header (DNS-rebinding guard)
  let listening: { host: string; port: number } | undefined;

  const handle = createRequestHandler(() => sandbox, handleApi, () => listening);
  const sandbox = {
    ctx,
    store,
    events,
    clock,
    defaults,
    sseClients,
    /** Base URL for the core client's `baseUrl` (`http://127.0.0.1:PORT`). Empty before `listen`. */
    get url(): string {
      return baseUrl;
    },
    /** Drops all data and re-creates the default account and number. */
    reset(): void {
      // live Media Streams / ConversationRelay sockets belong to calls that are about to vanish
      dropAllStreams(ctx);
      store.transaction(() => {
        store.wipe();
        clock.clearNotices();
        ctx.invalidateAuth();
        seedDefaults();
      });
      events.emit({ type: "reset", at: clock.now() });
    },
    /** Listens on host:port (port 0 picks a free one) and starts the clock. */
    async listen(port = options.port ?? 0, host = options.host ?? "127.0.0.1"): Promise<string> {
      server = createServer((req, res) => {
        handle(req, res).catch(() => res.destroy());
      });
      server.keepAliveTimeout = 5_000;
      await new Promise<void>((resolve, reject) => {
        server!.once("error", reject);
        server!.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      baseUrl = `http://${shownHost === "0.0.0.0" ? "127.0.0.1" : shownHost}:${address.port}`;
      listening = { host, port: address.port };
      clock.start();
      // libphonenumber-js (SMS landline check, Lookup) loads now, off the start path; the first request
      // that needs it awaits the same load, and one that fails is retried (and reported) by that request
      loadPhoneNumberLibrary().catch(() => undefined);
      return baseUrl;
    },
    /** Stops the server, the clock and closes the database. */
    async close(): Promise<void> {
      for (const client of sseClients) client.end();
      sseClients.clear();
      if (server) {
        server.closeAllConnections?.();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      dropAllStreams(ctx);
      await clock.stop();
      store.close();
    },
  };
  return sandbox;
}

/** A sandbox instance (see `createSandbox`). */
export type Sandbox = ReturnType<typeof createSandbox>;

export { readBody };

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
