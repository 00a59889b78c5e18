// One HTTP exchange with timeouts and the retry policy:
// - 429 and 503 are retried for every method: Twilio did not act on the request.
// - network errors and timeouts are retried only for GET and DELETE: a POST may have reached Twilio,
//   and a duplicate SMS costs the user money and trust.
// Backoff is full-jitter exponential (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/),
// replaced by `Retry-After` when Twilio sends it, and capped.
import { TwilioConnectionError, parseRetryAfterMs } from "./errors.js";
import { TransportTimeoutError, type HttpRequest, type HttpResponse, type Transport } from "./transport.js";

/** Events the `logger` hook receives. They never carry headers, bodies or credentials. */
export type RequestLogEvent =
  | { type: "request"; method: string; url: string; attempt: number }
  | { type: "response"; method: string; url: string; attempt: number; status: number; durationMs: number }
  | { type: "retry"; method: string; url: string; attempt: number; delayMs: number; reason: string };

/** Retry and timeout settings. */
export interface RetryPolicy {
  maxRetries: number;
  timeoutMs: number;
  /** Base of the exponential backoff. */
  baseDelayMs: number;
  /** Upper bound of any single wait, including one asked for by `Retry-After`. */
  maxDelayMs: number;
}

const RETRY_STATUSES = new Set([429, 503]);
const IDEMPOTENT = new Set(["GET", "DELETE", "HEAD"]);

function sleep(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Full jitter: a uniform wait in [0, min(cap, base·2^attempt)). */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

/**
 * Sends the request, retrying by the policy above. Resolves with the final answer (2xx or not);
 * `timeoutMs` covers each attempt up to the last byte of the body.
 * @throws TwilioConnectionError when no HTTP answer came; the caller's abort reason when it aborted.
 */
export async function sendWithRetry(
  transport: Transport,
  request: HttpRequest,
  policy: RetryPolicy,
  log: ((event: RequestLogEvent) => void) | undefined,
): Promise<HttpResponse> {
  const { method, url } = request;
  for (let attempt = 0; ; attempt++) {
    // Aborted while a token or a signature was being prepared: send nothing.
    if (request.signal?.aborted) throw request.signal.reason;
    log?.({ type: "request", method, url, attempt });
    const started = Date.now();
    let response: HttpResponse;
    try {
      response = await transport(request, policy.timeoutMs);
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      const isTimeout = error instanceof TransportTimeoutError;
      // A proxy refusing our credentials (407) refuses them again: fail at once.
      // Checked by name, not instanceof: proxy-error.ts loads only with a proxy, and must not be bundled for this.
      const isFinal = error instanceof Error && error.name === "ProxyRefusedError" && (error as { isRetryable?: unknown }).isRetryable === false;
      if (attempt < policy.maxRetries && IDEMPOTENT.has(method) && !isFinal) {
        const delayMs = backoffDelayMs(attempt, policy);
        log?.({ type: "retry", method, url, attempt, delayMs, reason: isTimeout ? "timeout" : "network error" });
        await sleep(delayMs, request.signal);
        continue;
      }
      throw new TwilioConnectionError({ method, url, cause: error, isTimeout });
    }
    log?.({ type: "response", method, url, attempt, status: response.status, durationMs: Date.now() - started });
    if (!RETRY_STATUSES.has(response.status) || attempt >= policy.maxRetries) return response;
    const asked = parseRetryAfterMs(response.headers.get("retry-after"));
    const delayMs = Math.min(policy.maxDelayMs, asked ?? backoffDelayMs(attempt, policy));
    log?.({ type: "retry", method, url, attempt, delayMs, reason: `status ${response.status}` });
    await sleep(delayMs, request.signal);
  }
}
