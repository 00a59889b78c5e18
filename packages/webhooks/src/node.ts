/// <reference types="node" />
// @twilio-kit/webhooks/node: the node:crypto fast path and the node:http adapter.
import type { IncomingMessage, ServerResponse } from "node:http";
import { assertWebhookOptions, type TwilioWebhookOptions, type VerifiedWebhook, type WebhookVerification } from "./handle.js";
import { verifySignatureSync } from "./node-crypto.js";
import { sendRejection, verifyIncomingMessage } from "./node-request.js";
import type { VerifyResult, VerifyTwilioSignatureOptions } from "./signature.js";

export { computeTwilioSignature, verifyTwilioSignature } from "./verify-node.js";

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
 * Verify a node:http `IncomingMessage` from Twilio; reads the body (up to `maxBodyBytes`). Resolves
 * with `{ ok: false, reason: "request_aborted" }` when the client disconnects mid-body: answer nothing.
 * @throws TypeError (as a rejection) when `maxBodyBytes` is not a number >= 0.
 * @example
 * const result = await verifyNodeRequest(req, { authToken: process.env.TWILIO_AUTH_TOKEN! });
 */
export function verifyNodeRequest(request: IncomingMessage, options: TwilioWebhookOptions): Promise<WebhookVerification> {
  return verifyIncomingMessage(request, options);
}

/**
 * Wrap a node:http handler so it only runs for requests Twilio signed (400/401/403/413/500 otherwise).
 * A client that disconnects mid-body is dropped quietly; the server lives on.
 * @throws TypeError when `maxBodyBytes` or `httpAuth` is malformed.
 * @example
 * http.createServer(withTwilioSignatureNode((req, res, { params }) => res.end(twiml), { authToken }));
 */
export function withTwilioSignatureNode(
  handler: (request: IncomingMessage, response: ServerResponse, webhook: VerifiedWebhook) => void | Promise<void>,
  options: TwilioWebhookOptions,
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  assertWebhookOptions(options);
  return async (request, response) => {
    const result = await verifyIncomingMessage(request, options);
    if (result.ok) return handler(request, response, result);
    sendRejection(response, result, options);
  };
}

export type { TwilioWebhookOptions, VerifiedWebhook, RejectedWebhook, WebhookVerification, WebhookRejectionReason } from "./handle.js";
export type { HttpAuthOptions } from "./http-auth.js";
export type { VerifyResult, VerifyTwilioSignatureOptions, VerifyFailureReason } from "./signature.js";
