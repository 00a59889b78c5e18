// The generic runtime: one `request` and one `paginate` for every Twilio operation, driven by route
// strings and a data-only operation table. No per-endpoint code lives here.
import { encodeRequest } from "./encode.js";
import { createApiError, type TwilioErrorBody } from "./errors.js";
import { createDefaultTransport } from "./default-transport.js";
import { sendWithRetry, type RequestLogEvent, type RetryPolicy } from "./send-with-retry.js";
import { parseRoute, type OperationTable } from "./operations.js";
import { createFetchTransport } from "./transport.js";
import type { ItemOf, PaginateArgs, ParamsOf, RequestArgs, RequestOptions, ResponseOf, ListRoute, PaginateOptions } from "./types.js";
import { VERSION } from "./version.js";

/** Options of `createTwilio`. Every credential falls back to the `TWILIO_*` environment variables. */
export interface TwilioOptions {
  /** Account SID (`AC…`); env `TWILIO_ACCOUNT_SID`. */
  accountSid?: string;
  /** Auth token; env `TWILIO_AUTH_TOKEN`. */
  authToken?: string;
  /** API key SID (`SK…`); env `TWILIO_API_KEY`. Used with `apiSecret` instead of the auth token. */
  apiKey?: string;
  /** API key secret; env `TWILIO_API_SECRET`. */
  apiSecret?: string;
  /** Twilio region, e.g. `ie1` (`api.{edge}.{region}.twilio.com`); env `TWILIO_REGION`. */
  region?: string;
  /** Twilio edge location, e.g. `dublin`; env `TWILIO_EDGE`. */
  edge?: string;
  /**
   * Where requests go instead of `https://{domain}.twilio.com`: a string sends `{domain}.twilio.com{path}`
   * to `{baseUrl}/{domain}{path}` (the sandbox and test servers), a function maps each domain to a base.
   * Env `TWILIO_BASE_URL`.
   */
  baseUrl?: string | ((domain: string) => string);
  /** Per-attempt timeout up to the last byte of the response, in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** Retries of 429/503 (any method) and network errors (GET/DELETE only). Default 3. */
  maxRetries?: number;
  /** A `fetch` implementation. Default: the global fetch, or node:http with keep-alive on Node. */
  fetch?: typeof fetch;
  /** Products appended to the User-Agent, e.g. `["my-app/1.2"]`. */
  userAgent?: string[];
  /** Receives one event per request, response and retry. Events never contain credentials or bodies. */
  logger?: (event: RequestLogEvent) => void;
}

/** A client over the routes R (a map from `"METHOD /path"` to the operation type). */
export interface TwilioClient<R> {
  /** The account requests act on by default (`{AccountSid}` in paths). */
  readonly accountSid: string;
  /**
   * Calls one operation by route. Params are the wire names of path, query, header and body params merged.
   * @throws TwilioApiError on a non-2xx answer, TwilioConnectionError when no answer came.
   * @example await twilio.request("POST /2010-04-01/Accounts/{AccountSid}/Messages.json", { To, From, Body })
   */
  request<K extends keyof R & string>(route: K, ...args: RequestArgs<R[K]>): Promise<ResponseOf<R[K]>>;
  /**
   * Iterates the items of a list operation across pages, fetching each page only when needed.
   * Breaking the loop stops fetching.
   * @example for await (const message of twilio.paginate("GET /2010-04-01/Accounts/{AccountSid}/Messages.json", { To })) {}
   */
  paginate<K extends ListRoute<R>>(route: K, ...args: PaginateArgs<R[K]>): AsyncGenerator<ItemOf<R[K]>, void, undefined>;
}

type Env = Record<string, string | undefined>;

function readEnv(): Env {
  // `process` is absent on Workers and in browsers; there the options must carry everything.
  return (globalThis as { process?: { env?: Env } }).process?.env ?? {};
}

function basicAuth(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

function resolveCredentials(options: TwilioOptions, env: Env): { accountSid: string; authorization: string } {
  const accountSid = options.accountSid ?? env.TWILIO_ACCOUNT_SID;
  const apiKey = options.apiKey ?? (options.authToken ? undefined : env.TWILIO_API_KEY);
  const apiSecret = options.apiSecret ?? (options.authToken ? undefined : env.TWILIO_API_SECRET);
  const authToken = options.authToken ?? (apiKey ? undefined : env.TWILIO_AUTH_TOKEN);
  if (!accountSid) {
    throw new TypeError("[@twilio-kit/core] no account SID: pass { accountSid } or set TWILIO_ACCOUNT_SID");
  }
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) {
    throw new TypeError(
      `[@twilio-kit/core] accountSid must look like AC followed by 32 hex digits, got ${JSON.stringify(accountSid.slice(0, 34))}` +
        (accountSid.startsWith("SK") ? " (that is an API key SID: pass it as apiKey)" : ""),
    );
  }
  if (apiKey) {
    if (!apiSecret) throw new TypeError("[@twilio-kit/core] apiKey needs apiSecret (or TWILIO_API_SECRET)");
    return { accountSid, authorization: basicAuth(apiKey, apiSecret) };
  }
  if (!authToken) {
    throw new TypeError(
      "[@twilio-kit/core] no credentials: pass { authToken } or { apiKey, apiSecret }, or set TWILIO_AUTH_TOKEN",
    );
  }
  return { accountSid, authorization: basicAuth(accountSid, authToken) };
}

/** Builds the function mapping a Twilio domain (`api`, `messaging`) to its origin. */
function resolveBase(options: TwilioOptions, env: Env): (domain: string) => string {
  const baseUrl = options.baseUrl ?? env.TWILIO_BASE_URL;
  if (typeof baseUrl === "function") return (domain) => baseUrl(domain).replace(/\/+$/, "");
  if (baseUrl) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(baseUrl);
    } catch {
      parsed = undefined;
    }
    // `new URL("localhost:4010")` parses with the scheme "localhost:", so check the scheme too.
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      throw new TypeError(`[@twilio-kit/core] baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}`);
    }
    const root = parsed.href.replace(/\/+$/, "");
    return (domain) => `${root}/${domain}`;
  }
  const edge = options.edge ?? env.TWILIO_EDGE;
  // With only an edge, Twilio's default region is us1 (as twilio-node does).
  const region = options.region ?? env.TWILIO_REGION ?? (edge ? "us1" : undefined);
  const suffix = [edge, region].filter(Boolean).join(".");
  return (domain) => `https://${domain}${suffix ? `.${suffix}` : ""}.twilio.com`;
}

function userAgentOf(extra: readonly string[] | undefined): string {
  const nodeVersion = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  const runtime = nodeVersion ? `node/${nodeVersion}` : (globalThis.navigator?.userAgent ?? "unknown");
  return [`twilio-kit/${VERSION}`, `(${runtime})`, ...(extra ?? [])].join(" ");
}

/** Internal client shape the facade builds on. */
export interface ClientInternals {
  readonly accountSid: string;
  request(route: string, params?: Record<string, unknown>, init?: RequestOptions): Promise<unknown>;
  paginate(route: string, params?: Record<string, unknown>, options?: PaginateOptions): AsyncGenerator<unknown, void, undefined>;
  readonly table: OperationTable;
}

/**
 * Creates the generic client over an operation table. The public entry points (`createTwilio` of the
 * package root and of each spec subpath) wrap this with their typed facade.
 * @throws TypeError when credentials are missing or malformed.
 */
export function createClient<R>(options: TwilioOptions, table: OperationTable): TwilioClient<R> & ClientInternals {
  const env = readEnv();
  const { accountSid, authorization } = resolveCredentials(options, env);
  const baseOf = resolveBase(options, env);
  const transport = options.fetch ? createFetchTransport(options.fetch) : createDefaultTransport();
  const policy: RetryPolicy = {
    maxRetries: options.maxRetries ?? 3,
    timeoutMs: options.timeoutMs ?? 30_000,
    baseDelayMs: 100,
    maxDelayMs: 20_000,
  };
  const userAgent = userAgentOf(options.userAgent);

  /** Maps a URL Twilio returned (`https://messaging.twilio.com/v1/…`, or a relative v2010 uri) to our base. */
  function rebase(domain: string, location: string): string {
    if (location.startsWith("/")) return baseOf(domain) + location;
    const url = new URL(location);
    const match = /^([a-z0-9-]+)(?:\.[a-z0-9-]+)*\.twilio\.com$/.exec(url.hostname);
    return match ? baseOf(match[1]!) + url.pathname + url.search : location;
  }

  async function send(method: string, url: string, headers: Record<string, string>, body: string | undefined, init?: RequestOptions) {
    const response = await sendWithRetry(
      transport,
      {
        method,
        url,
        headers: {
          Accept: "application/json",
          "Accept-Charset": "utf-8",
          "User-Agent": userAgent,
          ...init?.headers,
          ...headers,
          Authorization: authorization,
        },
        body,
        signal: init?.signal,
      },
      policy,
      options.logger,
    );
    if (response.status >= 200 && response.status < 300) {
      if (response.status === 204 || response.text === "") return undefined;
      try {
        return JSON.parse(response.text);
      } catch {
        throw createApiError({ status: response.status, body: { message: "response is not JSON" }, rawBody: response.text, headers: response.headers, method, url });
      }
    }
    let errorBody: TwilioErrorBody | undefined;
    try {
      errorBody = JSON.parse(response.text) as TwilioErrorBody;
    } catch {
      errorBody = undefined;
    }
    throw createApiError({ status: response.status, body: errorBody, rawBody: response.text, headers: response.headers, method, url });
  }

  function request(route: string, params: Record<string, unknown> = {}, init?: RequestOptions): Promise<unknown> {
    const { method, domain, path } = parseRoute(route);
    const encoded = encodeRequest(method, path, params, table[route], { AccountSid: accountSid });
    return send(method, baseOf(domain) + encoded.pathAndQuery, encoded.headers, encoded.body, init);
  }

  async function* paginate(route: string, params: Record<string, unknown> = {}, options: PaginateOptions = {}) {
    const { method, domain } = parseRoute(route);
    if (method !== "GET") throw new TypeError(`[@twilio-kit/core] paginate needs a GET list route, got ${route}`);
    const { limit, pageSize, ...init } = options;
    if (limit !== undefined && !(limit >= 0)) throw new TypeError("[@twilio-kit/core] paginate limit must be >= 0");
    if (limit === 0) return;
    const firstParams = pageSize === undefined ? params : { ...params, PageSize: pageSize };
    let page = (await request(route, firstParams, init)) as Record<string, unknown>;
    let yielded = 0;
    for (;;) {
      const meta = page.meta as { key?: string; next_page_url?: string | null } | undefined;
      const key = meta?.key ?? table[route]?.l ?? Object.keys(page).find((k) => Array.isArray(page[k]));
      const items = key ? page[key] : undefined;
      if (!Array.isArray(items)) throw new TypeError(`[@twilio-kit/core] ${route} did not answer with a page of items`);
      for (const item of items) {
        yield item;
        if (limit !== undefined && ++yielded >= limit) return;
      }
      const next = meta ? meta.next_page_url : (page.next_page_uri as string | null | undefined);
      if (!next || items.length === 0) return;
      page = (await send("GET", rebase(domain, next), {}, undefined, init)) as Record<string, unknown>;
    }
  }

  return { accountSid, request, paginate, table } as unknown as TwilioClient<R> & ClientInternals;
}

export type { ParamsOf, ResponseOf };
