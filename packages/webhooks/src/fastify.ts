/// <reference types="node" />
// @twilio-kit/webhooks/fastify: a `preParsing` hook, the one stage where Fastify still has the raw
// bytes (needed for JSON webhooks' bodySHA256). Typed structurally: no fastify import at run time.
import { Readable } from "node:stream";
import type { IncomingMessage } from "node:http";
import { assertWebhookOptions, failureMessage, rejectionHeaders, type TwilioWebhookOptions, type VerifiedWebhook } from "./handle.js";
import { verifyIncomingMessage } from "./node-request.js";
import { parseFormBody } from "./params.js";

interface FastifyLikeRequest {
  raw: IncomingMessage;
  url: string;
  twilio?: VerifiedWebhook;
}

interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  headers(values: Record<string, string>): FastifyLikeReply;
  hijack(): FastifyLikeReply;
  send(payload: string): FastifyLikeReply;
}

/**
 * A Fastify `preParsing` hook: checks `httpAuth`, reads the raw body up to `maxBodyBytes`, verifies the
 * signature over it, sets `request.twilio`, and hands the same bytes on to Fastify's parser. Answers
 * 400/401/403/413/500 itself on failure; a client that disconnects mid-body is dropped quietly.
 * @throws TypeError when `maxBodyBytes` or `httpAuth` is malformed.
 * @example
 * fastify.addHook("preParsing", twilioPreParsingHook({ authToken }));
 */
export function twilioPreParsingHook(options: TwilioWebhookOptions) {
  assertWebhookOptions(options);
  return async (request: FastifyLikeRequest, reply: FastifyLikeReply, payload: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream | FastifyLikeReply> => {
    const result = await verifyIncomingMessage(request.raw, options, { stream: payload }, request.raw.url);
    if (!result.ok) {
      // The socket is gone: nothing to answer. Hijacking ends Fastify's lifecycle without an error to log
      // (an empty payload would reach the parser as a Content-Length mismatch).
      if (result.reason === "request_aborted") return reply.hijack();
      return reply.code(result.status).headers(rejectionHeaders(result)).send(failureMessage(result, options));
    }
    request.twilio = result;
    return Readable.from([Buffer.from(result.rawBody)]);
  };
}

/** Content-type parser for `application/x-www-form-urlencoded` (Fastify has none built in). */
export function formBodyParser(_request: unknown, body: string, done: (error: Error | null, value?: unknown) => void): void {
  done(null, parseFormBody(body));
}

export type { TwilioWebhookOptions, VerifiedWebhook, RejectedWebhook, WebhookRejectionReason } from "./handle.js";
export type { HttpAuthOptions } from "./http-auth.js";
