/// <reference types="node" />
// @twilio-kit/webhooks on Node (the `node` export condition): the universal entry's exports, on
// node:crypto instead of Web Crypto, so Next.js, Hono-on-Node and Express users get the fast path
// without knowing about `/node`. Same API and verdicts; keep the list in step with index.ts.
export { computeTwilioSignature, verifyTwilioSignature } from "./verify-node.js";
export type { VerifyFailureReason, VerifyResult, VerifyTwilioSignatureOptions } from "./signature.js";
export { serializeParams, parseFormBody, type TwilioParams } from "./params.js";
export { resolvePublicUrl, type PublicUrlOptions } from "./public-url.js";
export type { TwilioWebhookOptions, VerifiedWebhook, RejectedWebhook, WebhookVerification, WebhookRejectionReason } from "./handle.js";
export type { HttpAuthOptions } from "./http-auth.js";
export { verifyTwilioRequest, twilioRejection, withTwilioSignature } from "./fetch-node.js";
export * from "./payloads.js";
