// The generic runtime: one `request` and one `paginate` for every Twilio operation, driven by route
// strings and a data-only operation table. No per-endpoint code lives here.
import { createBasicAuthorizer, type Authorizer } from "./auth/authorizer.js";
import type { ClientValidationOptions, ClientValidator } from "./auth/client-validation.js";
import { resolveCredentials, type Env } from "./auth/credentials.js";
import { createLazyClientValidator, createLazyOAuthAuthorizer } from "./auth/lazy-auth.js";
import type { OAuthOptions } from "./auth/oauth.js";
import { encodeRequest } from "./encode.js";
import { createDefaultTransport } from "./default-transport.js";
import { readAnswer } from "./read-answer.js";
import { sendWithRetry, type RequestLogEvent, type RetryPolicy } from "./send-with-retry.js";
import { parseRoute, type OperationTable } from "./operations.js";
import { createFetchTransport, type HttpRequest } from "./transport.js";
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
  /**
   * OAuth 2.0 client credentials instead of Basic auth; env `TWILIO_CLIENT_ID` / `TWILIO_CLIENT_SECRET`.
   * The bearer token is fetched from `https://oauth.twilio.com/v2/token`, cached and refreshed before it expires.
   */
  oauth?: OAuthOptions;
  /** Public-key client validation: signs every request with `Twilio-Client-Validation` (an RS256 JWT). */
  clientValidation?: ClientValidationOptions;
  /**
   * HTTP(S) proxy URL (`http://user:pass@proxy:3128`), Node only. Default: `HTTPS_PROXY` / `HTTP_PROXY`
   * (either case) minus `NO_PROXY`, as curl reads them; `false` ignores the environment.
   */
  proxy?: string | false;
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

function readEnv(): Env {
  // `process` is absent on Workers and in browsers; there the options must carry everything.
  const env = (globalThis as { process?: { env?: Env } }).process?.env;
  if (!env) return {};
  // Deno without --allow-env throws on every read: a variable we may not read counts as unset, so a
  // client given explicit options runs with network permission alone.
  return new Proxy({} as Env, {
    get(_, name) {
      try {
        return typeof name === "string" ? env[name] : undefined;
      } catch {
        return undefined;
      }
    },
  });
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
  const credentials = resolveCredentials(options, env);
  const { accountSid } = credentials;
  const baseOf = resolveBase(options, env);
  if (options.fetch && options.proxy) {
    throw new TypeError("[@twilio-kit/core] pass either fetch or proxy: an injected fetch does its own proxying");
  }
  const transport = options.fetch ? createFetchTransport(options.fetch) : createDefaultTransport({ proxy: options.proxy, env });
  const policy: RetryPolicy = {
    maxRetries: options.maxRetries ?? 3,
    timeoutMs: options.timeoutMs ?? 30_000,
    baseDelayMs: 100,
    maxDelayMs: 20_000,
  };
  const userAgent = userAgentOf(options.userAgent);
  // Tokens come from the global oauth.twilio.com even for a regional client (as twilio-node's token
  // manager does); a baseUrl (the sandbox, a test server) takes them like every other domain.
  const tokenOrigin = (options.baseUrl ?? env.TWILIO_BASE_URL) ? baseOf("oauth") : "https://oauth.twilio.com";
  const exchange = (request: HttpRequest) => sendWithRetry(transport, request, policy, options.logger);
  const authorizer: Authorizer =
    credentials.kind === "oauth"
      ? createLazyOAuthAuthorizer(credentials.oauth, { tokenUrl: `${tokenOrigin}/v2/token`, send: exchange })
      : createBasicAuthorizer(credentials.user, credentials.password);
  const validator: ClientValidator | undefined = options.clientValidation
    ? createLazyClientValidator(options.clientValidation, accountSid)
    : undefined;

  /** Maps a URL Twilio returned (`https://messaging.twilio.com/v1/…`, or a relative v2010 uri) to our base. */
  function rebase(domain: string, location: string): string {
    if (location.startsWith("/")) return baseOf(domain) + location;
    const url = new URL(location);
    const match = /^([a-z0-9-]+)(?:\.[a-z0-9-]+)*\.twilio\.com$/.exec(url.hostname);
    return match ? baseOf(match[1]!) + url.pathname + url.search : location;
  }

  async function send(method: string, url: string, headers: Record<string, string>, body: string | undefined, init?: RequestOptions) {
    const signal = init?.signal;
    // A 401 to a bearer token is retried once with a fresh one (it may have been revoked or expired early).
    for (let isRetryAfter401 = false; ; isRetryAfter401 = true) {
      const pending = authorizer.authorization(signal);
      // Basic auth is a plain string: no await, so the common case costs no extra turn.
      const authorization = typeof pending === "string" ? pending : await pending;
      const request: HttpRequest = {
        method,
        url,
        headers: { Accept: "application/json", "Accept-Charset": "utf-8", "User-Agent": userAgent, ...init?.headers, ...headers, Authorization: authorization },
        body,
        signal,
      };
      if (validator) request.headers["Twilio-Client-Validation"] = await validator(request);
      const response = await exchange(request);
      if (response.status === 401 && authorizer.invalidate && !isRetryAfter401) {
        authorizer.invalidate(authorization);
        continue;
      }
      return readAnswer(response, method, url);
    }
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
