// @twilio-kit/webhooks: universal entry. Web Crypto only, no Node built-ins, so it runs on Node,
// Bun, Deno, Cloudflare Workers and Vercel Edge. On Node the `node` export condition picks
// index-node.ts instead: the same exports on node:crypto. Keep the two lists in step.
export { computeTwilioSignature, verifyTwilioSignature } from "./verify.js";
export type { VerifyFailureReason, VerifyResult, VerifyTwilioSignatureOptions } from "./signature.js";
export { serializeParams, parseFormBody, type TwilioParams } from "./params.js";
export { resolvePublicUrl, type PublicUrlOptions } from "./public-url.js";
export type { TwilioWebhookOptions, VerifiedWebhook, RejectedWebhook, WebhookVerification, WebhookRejectionReason } from "./handle.js";
export type { HttpAuthOptions } from "./http-auth.js";
export { verifyTwilioRequest, twilioRejection, withTwilioSignature } from "./fetch.js";
export * from "./payloads.js";
