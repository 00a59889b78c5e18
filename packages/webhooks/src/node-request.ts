/// <reference types="node" />
// node:http plumbing shared by the node:http, Express and Fastify adapters.
import type { IncomingMessage, ServerResponse } from "node:http";
import { verifyTwilioSignature } from "./verify-node.js";
import { readBody } from "./node-body.js";
import type { ReceivedRequest } from "./public-url.js";
import {
  checkBeforeBody,
  failureMessage,
  maxBodyBytesOf,
  rejection,
  rejectionHeaders,
  verifyReceived,
  type RejectedWebhook,
  type TwilioWebhookOptions,
  type WebhookVerification,
} from "./handle.js";

function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** What a framework may already know about the body. */
export interface KnownBody {
  /** The raw bytes, when something kept them (e.g. `express.json({ verify })` setting `req.rawBody`). */
  rawBody?: Uint8Array | string;
  /** Params already decoded by a form body parser. */
  params?: Record<string, string | string[]>;
  /** The stream to read the body from, when not the request itself (Fastify's `payload`). */
  stream?: NodeJS.ReadableStream & { readableEnded?: boolean; destroyed?: boolean };
}

/**
 * Verify a node:http request: `httpAuth`, the body limit, then the signature. Reads the body unless
 * `known` provides it. Never rejects (a bad `maxBodyBytes` aside); an aborted request is a
 * `request_aborted` rejection.
 */
export async function verifyIncomingMessage(
  request: IncomingMessage,
  options: TwilioWebhookOptions,
  known: KnownBody = {},
  originalUrl?: string,
): Promise<WebhookVerification> {
  const encrypted = (request.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const received: ReceivedRequest = {
    protocol: encrypted ? "https" : "http",
    host: headerOf(request, "host") ?? "localhost",
    // The raw request target: byte-exact, which is what Twilio signed.
    pathAndQuery: originalUrl ?? request.url ?? "/",
    header: (name) => headerOf(request, name),
  };
  const stream = known.stream ?? request;
  const mustRead = known.rawBody === undefined && known.params === undefined && !stream.readableEnded;
  // A body already read (by a framework, under its own limit) is not measured again; credentials are.
  const early = checkBeforeBody(received, mustRead ? options : { ...options, maxBodyBytes: Infinity });
  if (early) return early;
  let rawBody: Uint8Array | undefined;
  if (known.rawBody !== undefined) {
    rawBody = typeof known.rawBody === "string" ? Buffer.from(known.rawBody) : known.rawBody;
  } else if (mustRead) {
    const read = await readBody(stream, maxBodyBytesOf(options));
    if (!read.ok) return rejection(read.reason, received, options);
    rawBody = read.body;
  }
  return verifyReceived(verifyTwilioSignature, received, rawBody, options, rawBody === undefined ? known.params : undefined);
}

/**
 * Answer a rejection on a node:http response. An aborted request gets nothing: its socket is gone.
 */
export function sendRejection(response: ServerResponse, result: RejectedWebhook, options: TwilioWebhookOptions): void {
  if (result.reason === "request_aborted") return;
  response.writeHead(result.status, rejectionHeaders(result));
  response.end(failureMessage(result, options));
}
