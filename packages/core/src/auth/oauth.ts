// OAuth 2.0 client credentials, as twilio-node's ClientCredentialProvider does it: POST
// `grant_type=client_credentials&client_id=…&client_secret=…` to https://oauth.twilio.com/v2/token
// (no Authorization header), then `Authorization: Bearer <access_token>` on API requests.
// The token is cached until shortly before its `exp`, and fetched once for any number of concurrent
// requests (single flight). Neither the token nor the secret is put in an error or a log event: the
// token request is logged by URL only, and errors quote Twilio's error text, never the request.
import { TwilioApiError, type TwilioErrorBody } from "../errors.js";
import { answerError } from "../read-answer.js";
import type { HttpRequest, HttpResponse } from "../transport.js";
import type { Authorizer } from "./authorizer.js";
import { checkOAuthOptions } from "./check-options.js";

/** OAuth client credentials from the Twilio Console (Account > OAuth apps); env `TWILIO_CLIENT_ID` / `TWILIO_CLIENT_SECRET`. */
export interface OAuthOptions {
  /** The OAuth app's client id. */
  clientId: string;
  /** The OAuth app's client secret. */
  clientSecret: string;
}

/** What the OAuth authorizer needs from the client: where to ask, how to send, and a clock. */
export interface OAuthContext {
  /** `https://oauth.twilio.com/v2/token`, or its counterpart under `baseUrl`. */
  tokenUrl: string;
  /** Sends one request with the client's transport, retry policy and logger. */
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/** Refresh this long before `exp` (as twilio-node does), or at half the lifetime for short-lived tokens. */
const REFRESH_MARGIN_MS = 30_000;

interface CachedToken {
  header: string;
  refreshAtMs: number;
}

/** Reads `exp` (seconds) from a JWT without verifying it: only to know when to refresh. */
function jwtExpiryMs(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Waits for `promise`, or rejects with the signal's reason when the caller aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** The form body of the token request. */
function tokenRequestBody(options: OAuthOptions): string {
  return new URLSearchParams({ grant_type: "client_credentials", client_id: options.clientId, client_secret: options.clientSecret }).toString();
}

/**
 * Parses the token endpoint's answer into a cached bearer header.
 * @throws TwilioApiError when the endpoint refused or answered without an access token.
 */
function readToken(response: HttpResponse, tokenUrl: string, nowMs: number): CachedToken {
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(response.text) as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  const ok = response.status >= 200 && response.status < 300;
  if (!ok && body && typeof body.error === "string" && body.message === undefined) {
    // RFC 6749 §5.2 error shape: { error, error_description }
    const description = typeof body.error_description === "string" ? `: ${body.error_description}` : "";
    const errorBody: TwilioErrorBody = { message: `OAuth token request refused (${body.error}${description})` };
    throw answerError({ ...response, text: JSON.stringify(errorBody) }, "POST", tokenUrl);
  }
  if (!ok || !body) throw answerError(response, "POST", tokenUrl);
  const token = body.access_token;
  if (typeof token !== "string" || token === "") {
    throw new TwilioApiError({
      status: response.status,
      body: { message: "the OAuth token endpoint answered without an access_token" },
      rawBody: "",
      headers: response.headers,
      method: "POST",
      url: tokenUrl,
    });
  }
  const expiresIn = typeof body.expires_in === "number" ? body.expires_in : Number(body.expires_in);
  // Twilio's tokens are JWTs: trust their `exp`; `expires_in` is the fallback. Without either the
  // token serves the requests already waiting for it and the next request fetches a new one.
  const expiresAtMs = jwtExpiryMs(token) ?? (Number.isFinite(expiresIn) && expiresIn > 0 ? nowMs + expiresIn * 1000 : nowMs);
  const marginMs = Math.min(REFRESH_MARGIN_MS, Math.max(0, expiresAtMs - nowMs) / 2);
  return { header: `Bearer ${token}`, refreshAtMs: expiresAtMs - marginMs };
}

/**
 * An authorizer that fetches, caches and refreshes an OAuth bearer token, one fetch at a time.
 * @throws TypeError when clientId or clientSecret is missing.
 */
export function createOAuthAuthorizer(options: OAuthOptions, context: OAuthContext): Authorizer {
  checkOAuthOptions(options);
  const now = context.now ?? Date.now;
  const body = tokenRequestBody(options);
  let cached: CachedToken | undefined;
  let inflight: Promise<string> | undefined;

  function fetchToken(): Promise<string> {
    const request: HttpRequest = {
      method: "POST",
      url: context.tokenUrl,
      headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body,
    };
    // Nobody's signal is passed: one caller giving up must not fail the others sharing this fetch.
    return context.send(request).then((response) => {
      cached = readToken(response, context.tokenUrl, now());
      return cached.header;
    });
  }

  return {
    authorization(signal) {
      if (cached && now() < cached.refreshAtMs) return cached.header;
      inflight ??= fetchToken().finally(() => (inflight = undefined));
      return untilAborted(inflight, signal);
    },
    invalidate(used) {
      // Only the token that was refused: a newer one fetched meanwhile stays.
      if (cached?.header === used) cached = undefined;
    },
  };
}
