// The part every adapter shares: pick the verification mode from the request, run the core, map
// the verdict to an HTTP status. Adapters only translate their framework's request into this.
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
}

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

/** A request that failed verification, with the status to answer. */
export interface RejectedWebhook {
  ok: false;
  /** 400 for a missing signature, 500 when no auth token is configured, 403 otherwise. */
  status: 400 | 403 | 500;
  reason: VerifyFailureReason;
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
export function statusFor(reason: VerifyFailureReason): 400 | 403 | 500 {
  if (reason === "missing_signature") return 400;
  if (reason === "missing_auth_token") return 500;
  return 403;
}

function defaultExposeDetails(): boolean {
  // Universal code: `process` may not exist (Workers, Deno without compat).
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.NODE_ENV === "development";
}

/** The plain-text body to answer a rejected webhook with. */
export function failureMessage(result: RejectedWebhook, options: Pick<TwilioWebhookOptions, "exposeDetails">): string {
  const base = result.status === 400 ? "Missing X-Twilio-Signature header." : result.status === 500 ? "Webhook validation is not configured." : "Twilio request validation failed.";
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
