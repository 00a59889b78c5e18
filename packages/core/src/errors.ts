// Error taxonomy: one base class recognised across ESM/CJS copies through a Symbol.for marker,
// API errors chosen by status, and connection errors that keep their cause.
const marker = Symbol.for("@twilio-kit/core/error");

/** Base class of every error the client throws on purpose. Use `TwilioError.isInstance(e)`, not `instanceof`. */
export class TwilioError extends Error {
  /** Marks the instance so `isInstance` works when two copies of the package are loaded. */
  readonly [marker] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /** True for any twilio-kit error, even one thrown by another copy of this package. */
  static isInstance(value: unknown): value is TwilioError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

/** The parsed body of a Twilio error response: `{ code, message, more_info, status, details? }`. */
export interface TwilioErrorBody {
  code?: number;
  message?: string;
  more_info?: string;
  status?: number;
  details?: Record<string, unknown>;
  detail?: string;
}

/** What an API error knows of the request, with nothing secret in it. */
export interface TwilioApiErrorInit {
  status: number;
  body: TwilioErrorBody | undefined;
  rawBody: string;
  headers: Headers;
  method: string;
  url: string;
}

/** Twilio answered with a non-2xx status. `code` is Twilio's error code (e.g. 21211), `moreInfo` its docs page. */
export class TwilioApiError extends TwilioError {
  /** HTTP status. */
  readonly status: number;
  /** Twilio error code, e.g. 21211 for an invalid `To`; undefined when the body was not Twilio-shaped. */
  readonly code: number | undefined;
  /** Link to Twilio's page for the code. */
  readonly moreInfo: string | undefined;
  /** Extra details Twilio sent, if any. */
  readonly details: Record<string, unknown> | undefined;
  /** Response headers (rate-limit and request-id headers live here). */
  readonly headers: Headers;
  /** HTTP method of the failed request. */
  readonly method: string;
  /** URL of the failed request (credentials are never part of it). */
  readonly url: string;

  constructor(init: TwilioApiErrorInit) {
    const { body } = init;
    const text = body?.message ?? (init.rawBody.slice(0, 200) || `HTTP ${init.status}`);
    const detail = body?.detail ? `: ${body.detail}` : "";
    super(`${init.method} ${init.url} failed with ${init.status}${body?.code ? ` (code ${body.code})` : ""}: ${text}${detail}`);
    this.status = init.status;
    this.code = typeof body?.code === "number" ? body.code : undefined;
    this.moreInfo = body?.more_info;
    this.details = body?.details;
    this.headers = init.headers;
    this.method = init.method;
    this.url = init.url;
  }
}

/** 400 and 422: the request was invalid (bad `To`, missing `Body`, …). */
export class TwilioInvalidRequestError extends TwilioApiError {}
/** 401: wrong Account SID, auth token, API key or secret (code 20003). */
export class TwilioAuthenticationError extends TwilioApiError {}
/** 403: the credentials may not do this (e.g. a subaccount reaching its parent). */
export class TwilioPermissionError extends TwilioApiError {}
/** 404: no such resource (code 20404). */
export class TwilioNotFoundError extends TwilioApiError {}
/** 5xx: Twilio failed. */
export class TwilioServerError extends TwilioApiError {}

/** 429: too many requests (code 20429). `retryAfterMs` comes from `Retry-After` when Twilio sent it. */
export class TwilioRateLimitError extends TwilioApiError {
  /** How long Twilio asked to wait, in milliseconds, if it said. */
  readonly retryAfterMs: number | undefined;

  constructor(init: TwilioApiErrorInit) {
    super(init);
    this.retryAfterMs = parseRetryAfterMs(init.headers.get("retry-after"));
  }
}

/** The request never got an HTTP answer: DNS, refused connection, reset, or `timeoutMs` elapsed. */
export class TwilioConnectionError extends TwilioError {
  /** True when the client's own `timeoutMs` ended the request. */
  readonly isTimeout: boolean;
  /** HTTP method of the failed request. */
  readonly method: string;
  /** URL of the failed request. */
  readonly url: string;

  constructor(init: { method: string; url: string; cause: unknown; isTimeout: boolean }) {
    const reason = init.isTimeout ? "timed out" : `failed: ${describeCause(init.cause)}`;
    super(`${init.method} ${init.url} ${reason}`, { cause: init.cause });
    this.isTimeout = init.isTimeout;
    this.method = init.method;
    this.url = init.url;
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    // undici wraps the system error (ECONNREFUSED, …) in `cause`
    const inner = (cause as Error & { cause?: { code?: string; message?: string } }).cause;
    return inner?.code ? `${cause.message} (${inner.code})` : cause.message;
  }
  return String(cause);
}

/** `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Picks the error class for a status. */
export function createApiError(init: TwilioApiErrorInit): TwilioApiError {
  const { status } = init;
  if (status === 400 || status === 422) return new TwilioInvalidRequestError(init);
  if (status === 401) return new TwilioAuthenticationError(init);
  if (status === 403) return new TwilioPermissionError(init);
  if (status === 404) return new TwilioNotFoundError(init);
  if (status === 429) return new TwilioRateLimitError(init);
  if (status >= 500) return new TwilioServerError(init);
  return new TwilioApiError(init);
}
