/// <reference types="node" />
// @twilio-kit/webhooks/express: middleware. Typed structurally so users need no @types/express.
import type { IncomingMessage, ServerResponse } from "node:http";
import { assertWebhookOptions, type TwilioWebhookOptions, type VerifiedWebhook } from "./handle.js";
import { sendRejection, verifyIncomingMessage, type KnownBody } from "./node-request.js";

/** The parts of an Express request the middleware uses; `twilio` is set on success. */
export interface ExpressLikeRequest extends IncomingMessage {
  originalUrl?: string;
  body?: unknown;
  rawBody?: Uint8Array | string;
  twilio?: VerifiedWebhook;
}

function known(request: ExpressLikeRequest): KnownBody {
  if (request.rawBody !== undefined) return { rawBody: request.rawBody };
  // A body parser already consumed the stream: only decoded form params are left to sign.
  if (request.readableEnded && request.body !== null && typeof request.body === "object") {
    return { params: request.body as Record<string, string | string[]> };
  }
  return {};
}

/**
 * Express middleware: 400 without a signature, 401 without the `httpAuth` credentials, 403 when
 * invalid, 413 over `maxBodyBytes`; otherwise `req.twilio` holds the params. Mount it before body
 * parsers (it parses form bodies itself, under its own limit, and keeps JSON bodies raw), or keep
 * `req.rawBody` with `express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })`.
 * A client that disconnects mid-body is dropped quietly (no `next(error)`).
 * @throws TypeError when `maxBodyBytes` or `httpAuth` is malformed.
 * @example
 * app.post("/sms", twilioWebhook({ authToken, trustProxy: true }), (req, res) => res.type("text/xml").send(twiml));
 */
export function twilioWebhook(options: TwilioWebhookOptions) {
  assertWebhookOptions(options);
  return (request: ExpressLikeRequest, response: ServerResponse, next: (error?: unknown) => void): void => {
    // originalUrl keeps the mount path that Express strips from req.url inside routers.
    verifyIncomingMessage(request, options, known(request), request.originalUrl).then(
      (result) => {
        if (!result.ok) {
          sendRejection(response, result, options);
          return;
        }
        request.twilio = result;
        // Downstream handlers expect req.body; give them the decoded form when we read it.
        if (request.body === undefined) request.body = result.params;
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

export type { TwilioWebhookOptions, VerifiedWebhook, RejectedWebhook, WebhookRejectionReason } from "./handle.js";
export type { HttpAuthOptions } from "./http-auth.js";
