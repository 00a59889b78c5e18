/// <reference types="node" />
// @twilio-kit/webhooks/node: the node:crypto fast path and the node:http adapter.
import type { IncomingMessage, ServerResponse } from "node:http";
import { failureMessage, type TwilioWebhookOptions, type VerifiedWebhook, type WebhookVerification } from "./handle.js";
import { computeSignatureSync, verifySignatureSync } from "./node-crypto.js";
import { verifyIncomingMessage, verifyTwilioSignatureNode } from "./node-request.js";
import type { TwilioParams } from "./params.js";
import type { VerifyResult, VerifyTwilioSignatureOptions } from "./signature.js";

/** Same as the universal `computeTwilioSignature`, on node:crypto. */
export function computeTwilioSignature(authToken: string, url: string, params?: TwilioParams): Promise<string> {
  // A rejected promise rather than a synchronous throw when params cannot be enumerated.
  return new Promise((resolve) => resolve(computeSignatureSync(authToken, url, params)));
}

/** Same verdicts as the universal `verifyTwilioSignature`, on node:crypto (much faster on Node). */
export function verifyTwilioSignature(options: VerifyTwilioSignatureOptions): Promise<VerifyResult> {
  return verifyTwilioSignatureNode(options);
}

/**
 * `verifyTwilioSignature` without the promise, for synchronous code (where twilio-node's
 * `validateRequest` was called). Same verdicts; never throws.
 * @example
 * if (!verifyTwilioSignatureSync({ authToken, signature, url, params }).ok) return res.status(403).end();
 */
export function verifyTwilioSignatureSync(options: VerifyTwilioSignatureOptions): VerifyResult {
  return verifySignatureSync(options);
}

/**
 * Verify a node:http `IncomingMessage` from Twilio; reads the body.
 * @example
 * const result = await verifyNodeRequest(req, { authToken: process.env.TWILIO_AUTH_TOKEN! });
 */
export function verifyNodeRequest(request: IncomingMessage, options: TwilioWebhookOptions): Promise<WebhookVerification> {
  return verifyIncomingMessage(request, options);
}

/**
 * Wrap a node:http handler so it only runs for requests Twilio signed (400/403/500 otherwise).
 * @example
 * http.createServer(withTwilioSignatureNode((req, res, { params }) => res.end(twiml), { authToken }));
 */
export function withTwilioSignatureNode(
  handler: (request: IncomingMessage, response: ServerResponse, webhook: VerifiedWebhook) => void | Promise<void>,
  options: TwilioWebhookOptions,
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    const result = await verifyIncomingMessage(request, options);
    if (result.ok) return handler(request, response, result);
    response.writeHead(result.status, { "content-type": "text/plain; charset=utf-8" });
    response.end(failureMessage(result, options));
  };
}

export type { TwilioWebhookOptions, VerifiedWebhook, WebhookVerification } from "./handle.js";
export type { VerifyResult, VerifyTwilioSignatureOptions, VerifyFailureReason } from "./signature.js";
