/// <reference types="node" />
// @twilio-kit/webhooks/fastify: a `preParsing` hook, the one stage where Fastify still has the raw
// bytes (needed for JSON webhooks' bodySHA256). Typed structurally: no fastify import at run time.
import { Readable } from "node:stream";
import type { IncomingMessage } from "node:http";
import { failureMessage, type TwilioWebhookOptions, type VerifiedWebhook } from "./handle.js";
import { readBody, verifyIncomingMessage } from "./node-request.js";
import { parseFormBody } from "./params.js";

interface FastifyLikeRequest {
  raw: IncomingMessage;
  url: string;
  twilio?: VerifiedWebhook;
}

interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  type(contentType: string): FastifyLikeReply;
  send(payload: string): FastifyLikeReply;
}

/**
 * A Fastify `preParsing` hook: verifies the signature over the raw body, sets `request.twilio`,
 * and hands the same bytes on to Fastify's parser. Answers 400/403/500 itself on failure.
 * @example
 * fastify.addHook("preParsing", twilioPreParsingHook({ authToken }));
 */
export function twilioPreParsingHook(options: TwilioWebhookOptions) {
  return async (request: FastifyLikeRequest, reply: FastifyLikeReply, payload: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream | FastifyLikeReply> => {
    const rawBody = await readBody(payload as IncomingMessage);
    const result = await verifyIncomingMessage(request.raw, options, { rawBody }, request.raw.url);
    if (!result.ok) return reply.code(result.status).type("text/plain; charset=utf-8").send(failureMessage(result, options));
    request.twilio = result;
    return Readable.from([Buffer.from(rawBody)]);
  };
}

/** Content-type parser for `application/x-www-form-urlencoded` (Fastify has none built in). */
export function formBodyParser(_request: unknown, body: string, done: (error: Error | null, value?: unknown) => void): void {
  done(null, parseFormBody(body));
}

export type { TwilioWebhookOptions, VerifiedWebhook } from "./handle.js";
