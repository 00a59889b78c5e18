// The part every adapter shares: pick the verification mode from the request, run the core, map
// the verdict to an HTTP status. Adapters only translate their framework's request into this.
import { assertHttpAuth, basicChallenge, checkHttpAuth, type HttpAuthFailure, type HttpAuthOptions } from "./http-auth.js";
import { parseFormBody } from "./params.js";
import { resolvePublicUrl, type PublicUrlOptions, type ReceivedRequest } from "./public-url.js";
import type { CryptoBackend, VerifyFailureReason, VerifyTwilioSignatureOptions, VerifyResult } from "./signature.js";

/** Options shared by every adapter. */
export interface TwilioWebhookOptions extends PublicUrlOptions {
  /** The account's auth token, or a list (primary and secondary) while rotating tokens. */
  authToken: string | readonly string[];
  /**
   * Put the failure reason and the URL that was checked in the 403/400 body, so a wrong public URL
   * is obvious. Defaults to true only when `NODE_ENV` is `development`. The token is never included.
   */
  exposeDetails?: boolean;
  /**
   * Largest body read, in bytes (default 1 MiB; Twilio's webhooks are a few KB). Checked against
   * `Content-Length` first, then counted while streaming: a larger body is answered 413 at once and
   * the rest is never read into memory. `Infinity` turns the limit off.
   */
  maxBodyBytes?: number;
  /**
   * Also require these HTTP Basic credentials (a webhook URL of the form `https://user:pass@host/…`).
   * Checked before the body is read; absent or wrong credentials get a 401 with `WWW-Authenticate`.
   */
  httpAuth?: HttpAuthOptions;
}

/** Twilio's webhooks are a few KB; 1 MiB leaves room for long message bodies and many media URLs. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/** A request that passed verification, with what the handler needs. */
export interface VerifiedWebhook {
  ok: true;
  /** Decoded form params (query params are not merged in); empty for JSON bodies. */
  params: Record<string, string | string[]>;
  /** The raw body as received (empty for GET). */
  rawBody: Uint8Array;
  /** The URL the signature was checked against. */
  url: string;
}

/** Why an adapter refused a request: a signature verdict, or a failure before the signature could be checked. */
export type WebhookRejectionReason =
  | VerifyFailureReason
  /** The body is over `maxBodyBytes` (by `Content-Length` or while reading): 413. */
  | "body_too_large"
  /** The client went away before the body was complete: nothing to answer, adapters drop it. */
  | "request_aborted"
  | HttpAuthFailure;

/** A request that failed verification, with the status to answer. */
export interface RejectedWebhook {
  ok: false;
  /**
   * 400 for a missing signature (or an aborted body), 401 for missing or wrong `httpAuth` credentials,
   * 413 for a body over `maxBodyBytes`, 500 for a server misconfiguration (no auth token, failing
   * crypto), 403 otherwise.
   */
  status: 400 | 401 | 403 | 413 | 500;
  reason: WebhookRejectionReason;
  /** On a 401: the `WWW-Authenticate` value to answer with, so Twilio retries with credentials. */
  challenge?: string;
  /** The URL the signature was checked against. */
  url: string;
}

/** The outcome of an adapter's verification. */
export type WebhookVerification = VerifiedWebhook | RejectedWebhook;

function isFormContentType(contentType: string | undefined): boolean {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() === "application/x-www-form-urlencoded";
}

function hasBodyHash(url: string): boolean {
  try {
    return new URL(url).searchParams.has("bodySHA256");
  } catch {
    return url.includes("bodySHA256");
  }
}

/** Status code for a failure reason. */
export function statusFor(reason: WebhookRejectionReason): RejectedWebhook["status"] {
  if (reason === "missing_signature" || reason === "request_aborted") return 400;
  if (reason === "missing_credentials" || reason === "invalid_credentials") return 401;
  if (reason === "body_too_large") return 413;
  if (reason === "missing_auth_token" || reason === "crypto_error") return 500;
  return 403;
}

/**
 * The body limit of `options`, checked for misuse.
 * @throws TypeError when `maxBodyBytes` is not a number >= 0.
 */
export function maxBodyBytesOf(options: Pick<TwilioWebhookOptions, "maxBodyBytes">): number {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (typeof limit !== "number" || !(limit >= 0)) throw new TypeError("[@twilio-kit/webhooks] maxBodyBytes must be a number >= 0 (or Infinity)");
  return limit;
}

/**
 * Check an adapter's options once, when it is created, so misuse fails at start-up, not per request.
 * @throws TypeError for a bad `maxBodyBytes` or `httpAuth`.
 */
export function assertWebhookOptions(options: TwilioWebhookOptions): void {
  maxBodyBytesOf(options);
  assertHttpAuth(options.httpAuth);
}

/** A rejection for `reason`, naming the URL the signature would be checked against. */
export function rejection(reason: WebhookRejectionReason, request: ReceivedRequest, options: PublicUrlOptions): RejectedWebhook {
  let url = "";
  try {
    url = resolvePublicUrl(request, options);
  } catch {
    // A throwing `publicUrl` function must not turn a 401/413 into a crash; the verdict stands.
  }
  return { ok: false, status: statusFor(reason), reason, url };
}

/**
 * What can be refused before reading the body: `httpAuth` credentials, then a `Content-Length` over
 * `maxBodyBytes`. Undefined when the body should be read.
 */
export function checkBeforeBody(request: ReceivedRequest, options: TwilioWebhookOptions): RejectedWebhook | undefined {
  if (options.httpAuth) {
    const failure = checkHttpAuth(request.header("authorization"), options.httpAuth);
    if (failure) return { ...rejection(failure, request, options), challenge: basicChallenge(options.httpAuth) };
  }
  const length = Number(request.header("content-length"));
  if (length > maxBodyBytesOf(options)) return rejection("body_too_large", request, options);
  return undefined;
}

/**
 * Response headers for a rejection: the Basic challenge on a 401, and `Connection: close` on a 413 so
 * the server drops the connection instead of reading the rest of the body to reuse it.
 */
export function rejectionHeaders(result: RejectedWebhook): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
  if (result.challenge) headers["www-authenticate"] = result.challenge;
  if (result.status === 413) headers.connection = "close";
  return headers;
}

const messages: Record<RejectedWebhook["status"], string> = {
  400: "Missing X-Twilio-Signature header.",
  401: "Authentication required.",
  403: "Twilio request validation failed.",
  413: "Request body too large.",
  500: "Webhook validation is not configured.",
};

function defaultExposeDetails(): boolean {
  // Universal code: `process` may not exist (Workers, Deno without compat).
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.NODE_ENV === "development";
}

/** The plain-text body to answer a rejected webhook with. */
export function failureMessage(result: RejectedWebhook, options: Pick<TwilioWebhookOptions, "exposeDetails">): string {
  const base = result.reason === "crypto_error" ? "Webhook validation failed on the server." : result.reason === "request_aborted" ? "Request aborted." : messages[result.status];
  if (!(options.exposeDetails ?? defaultExposeDetails())) return base;
  const hint =
    result.reason === "mismatch"
      ? " If the app is behind ngrok or a proxy, the URL above must be the public one Twilio called: set publicUrl/baseUrl or trustProxy."
      : "";
  return `${base} Reason: ${result.reason}. URL checked: ${result.url}.${hint}`;
}

/** Verify a received request given its raw body; `params` short-cuts body parsing when a framework already did it. */
export async function verifyReceived(
  verify: (options: VerifyTwilioSignatureOptions) => Promise<VerifyResult>,
  request: ReceivedRequest,
  rawBody: Uint8Array | undefined,
  options: TwilioWebhookOptions,
  parsedParams?: Record<string, string | string[]>,
): Promise<WebhookVerification> {
  const url = resolvePublicUrl(request, options);
  const signature = request.header("x-twilio-signature");
  const body = rawBody ?? new Uint8Array(0);
  let params: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  let result: VerifyResult;
  // Same switch as twilio-node: a `bodySHA256` in the URL means a body-hash request.
  if (hasBodyHash(url)) {
    result = await verify({ authToken: options.authToken, signature, url, rawBody: body });
  } else if (isFormContentType(request.header("content-type"))) {
    params = parsedParams ?? parseFormBody(new TextDecoder().decode(body));
    result = await verify({ authToken: options.authToken, signature, url, params });
  } else if (body.length === 0 && parsedParams === undefined) {
    result = await verify({ authToken: options.authToken, signature, url, params });
  } else {
    // A non-form body without bodySHA256 is not covered by the signature: refuse rather than trust it.
    result = await verify({ authToken: options.authToken, signature, url, rawBody: body });
  }
  if (result.ok) return { ok: true, params, rawBody: body, url };
  return { ok: false, status: statusFor(result.reason), reason: result.reason, url };
}

export type { CryptoBackend };
