// Fetch API adapter: Hono, Next.js route handlers, Cloudflare Workers, Bun, Deno.
import { failureMessage, verifyReceived, type TwilioWebhookOptions, type VerifiedWebhook, type WebhookVerification } from "./handle.js";
import { verifyTwilioSignature } from "./verify.js";

/**
 * Verify a Fetch `Request` from Twilio. The body is read from a clone, so the request stays readable.
 * @example
 * const result = await verifyTwilioRequest(request, { authToken: env.TWILIO_AUTH_TOKEN });
 * if (!result.ok) return twilioRejection(result);
 */
export async function verifyTwilioRequest(request: Request, options: TwilioWebhookOptions): Promise<WebhookVerification> {
  const url = new URL(request.url);
  const hasBody = request.body !== null && request.method !== "GET" && request.method !== "HEAD";
  const rawBody = hasBody ? new Uint8Array(await request.clone().arrayBuffer()) : undefined;
  return verifyReceived(
    verifyTwilioSignature,
    {
      protocol: url.protocol.slice(0, -1),
      host: url.host,
      // `Request` has already normalised the URL; the core's URL variants absorb that (as twilio-node's do).
      pathAndQuery: url.pathname + url.search,
      header: (name) => request.headers.get(name) ?? undefined,
    },
    rawBody,
    options,
  );
}

/** The `Response` for a rejected webhook: 400, 403 or 500, plain text, no secrets. */
export function twilioRejection(result: Extract<WebhookVerification, { ok: false }>, options: Pick<TwilioWebhookOptions, "exposeDetails"> = {}): Response {
  return new Response(failureMessage(result, options), { status: result.status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/**
 * Wrap a Fetch handler so it only runs for requests Twilio signed.
 * @example
 * export const POST = withTwilioSignature((request, { params }) => new Response(twiml), { authToken });
 */
export function withTwilioSignature(
  handler: (request: Request, webhook: VerifiedWebhook) => Response | Promise<Response>,
  options: TwilioWebhookOptions,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const result = await verifyTwilioRequest(request, options);
    return result.ok ? handler(request, result) : twilioRejection(result, options);
  };
}
