// The Fetch API adapter's mechanics, written once for both builds of the default entry: fetch.ts binds
// them to the Web Crypto verifier, fetch-node.ts (the `node` export condition) to node:crypto.
import {
  assertWebhookOptions,
  checkBeforeBody,
  failureMessage,
  maxBodyBytesOf,
  rejection,
  rejectionHeaders,
  verifyReceived,
  type RejectedWebhook,
  type TwilioWebhookOptions,
  type VerifiedWebhook,
  type WebhookVerification,
} from "./handle.js";
import type { ReceivedRequest } from "./public-url.js";
import type { VerifyResult, VerifyTwilioSignatureOptions } from "./signature.js";

type Verify = (options: VerifyTwilioSignatureOptions) => Promise<VerifyResult>;

/**
 * Read a body stream, counting: over `maxBytes` the read stops and the stream is cancelled, so the
 * rest never reaches memory. A stream that errors (the client went away) is `request_aborted`.
 */
async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array | "body_too_large" | "request_aborted"> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      size += next.value.byteLength;
      if (size > maxBytes) {
        // Cancelling rejects when the stream already errored; the verdict is the same.
        reader.cancel().catch(() => {});
        return "body_too_large";
      }
      chunks.push(next.value);
    }
  } catch {
    return "request_aborted";
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** `verifyTwilioRequest` on a given verifier. */
export async function verifyFetchRequest(verify: Verify, request: Request, options: TwilioWebhookOptions): Promise<WebhookVerification> {
  const url = new URL(request.url);
  const received: ReceivedRequest = {
    protocol: url.protocol.slice(0, -1),
    host: url.host,
    // `Request` has already normalised the URL; the core's URL variants absorb that (as twilio-node's do).
    pathAndQuery: url.pathname + url.search,
    header: (name) => request.headers.get(name) ?? undefined,
  };
  const early = checkBeforeBody(received, options);
  if (early) return early;
  let rawBody: Uint8Array | undefined;
  if (request.body !== null && request.method !== "GET" && request.method !== "HEAD") {
    // A clone, so the handler can still read the body; the clone's branch buffers at most the cap.
    const read = await readCapped(request.clone().body!, maxBodyBytesOf(options));
    if (typeof read === "string") return rejection(read, received, options);
    rawBody = read;
  }
  return verifyReceived(verify, received, rawBody, options);
}

/** The `Response` for a rejected webhook: its status, plain text, no secrets; a 401 carries the Basic challenge. */
export function twilioRejection(result: RejectedWebhook, options: Pick<TwilioWebhookOptions, "exposeDetails"> = {}): Response {
  return new Response(failureMessage(result, options), { status: result.status, headers: rejectionHeaders(result) });
}

/** `withTwilioSignature` on a given verifier. */
export function withTwilioSignatureOn(
  verify: Verify,
  handler: (request: Request, webhook: VerifiedWebhook) => Response | Promise<Response>,
  options: TwilioWebhookOptions,
): (request: Request) => Promise<Response> {
  assertWebhookOptions(options);
  return async (request) => {
    const result = await verifyFetchRequest(verify, request, options);
    return result.ok ? handler(request, result) : twilioRejection(result, options);
  };
}
