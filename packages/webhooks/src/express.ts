/// <reference types="node" />
// @twilio-kit/webhooks/express: middleware. Typed structurally so users need no @types/express.
import type { IncomingMessage, ServerResponse } from "node:http";
import { failureMessage, type TwilioWebhookOptions, type VerifiedWebhook } from "./handle.js";
import { verifyIncomingMessage, type KnownBody } from "./node-request.js";

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
 * Express middleware: 400 without a signature, 403 when invalid, otherwise `req.twilio` holds the params.
 * Mount it before body parsers (it parses form bodies itself and keeps JSON bodies raw), or keep
 * `req.rawBody` with `express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })`.
 * @example
 * app.post("/sms", twilioWebhook({ authToken, trustProxy: true }), (req, res) => res.type("text/xml").send(twiml));
 */
export function twilioWebhook(options: TwilioWebhookOptions) {
  return (request: ExpressLikeRequest, response: ServerResponse, next: (error?: unknown) => void): void => {
    // originalUrl keeps the mount path that Express strips from req.url inside routers.
    verifyIncomingMessage(request, options, known(request), request.originalUrl).then(
      (result) => {
        if (!result.ok) {
          response.writeHead(result.status, { "content-type": "text/plain; charset=utf-8" });
          response.end(failureMessage(result, options));
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

export type { TwilioWebhookOptions, VerifiedWebhook } from "./handle.js";
