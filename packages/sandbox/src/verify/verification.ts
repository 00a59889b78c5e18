// The stored verification: limits, lifecycle (lazy expiry), wire shapes and the code generator.
import { createHash } from "node:crypto";
import type { Context } from "../engine/context.js";
import { toWire } from "../engine/context.js";
import type { Doc } from "../engine/store.js";
import { isE164, iso8601 } from "../engine/util.js";
import { invalid } from "./params.js";
import { keyColumns } from "../engine/keys.js";

/** Verify's "invalid parameter" code (https://www.twilio.com/docs/api/errors/60200). */
export const VERIFY_INVALID_PARAMETER = 60200;
/** Verify's "max check attempts reached" code. */
export const MAX_CHECK_ATTEMPTS = 60202;
/** Verify's "max send attempts reached" code. */
export const MAX_SEND_ATTEMPTS = 60203;

/** How long a verification (and its code) lives, in virtual milliseconds (Twilio: 10 minutes). */
export const VERIFICATION_TTL_MS = 10 * 60_000;
/** Sends allowed to one To of one service within `VERIFICATION_TTL_MS`. */
export const MAX_SENDS = 5;
/** Wrong checks a verification tolerates; the next check answers 60202. */
export const MAX_CHECKS = 5;

/** Origin of the Verify API's absolute URLs. */
export const ORIGIN = "https://verify.twilio.com";
/** The channels Verify accepts. */
export const CHANNELS = new Set(["sms", "call", "email", "whatsapp", "sna", "auto"]);
/** A plausible email address (Verify's email channel). */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A stored Verify service. */
export interface VerifyServiceDoc extends Doc {
  account_sid: string;
  friendly_name: string;
  code_length: number;
  custom_code_enabled: boolean;
  lookup_enabled: boolean;
}

/** One send of a verification's code. */
export interface SendAttempt {
  attempt_sid: string;
  channel: string;
  time: string;
}

/** A stored verification; `_code` and the counters stay inside the sandbox. */
export interface VerificationDoc extends Doc {
  service_sid: string;
  account_sid: string;
  to: string;
  channel: string;
  status: "pending" | "approved" | "canceled" | "max_attempts_reached" | "expired";
  valid: boolean;
  send_code_attempts: SendAttempt[];
  date_created: string;
  date_updated: string;
  _code: string;
  _createdMs: number;
  _sendTimesMs: number[];
  _failedChecks: number;
}

/** What the control API and the handle tell about a sent code. */
export interface VerificationCodeInfo {
  to: string;
  channel: string;
  code: string;
  status: string;
  serviceSid: string;
  verificationSid: string;
  accountSid: string;
  dateCreated: string;
}

/** Stores a new or changed verification. */
export function saveVerification(ctx: Context, doc: VerificationDoc, isNew: boolean): void {
  const keys = { account_sid: doc.account_sid, parent_sid: doc.service_sid, ...keyColumns("verification", { to: doc.to, status: doc.status }), date_ms: doc._createdMs };
  if (isNew) ctx.store.insert("verification", doc, keys);
  else ctx.store.update("verification", doc, keys);
}

/** Marks a pending verification older than 10 virtual minutes as expired (stored lazily, on read). */
export function settle(ctx: Context, doc: VerificationDoc): VerificationDoc {
  const now = ctx.clock.now();
  if (doc.status === "pending" && now - doc._createdMs >= VERIFICATION_TTL_MS) {
    doc.status = "expired";
    doc.date_updated = iso8601(doc._createdMs + VERIFICATION_TTL_MS);
    saveVerification(ctx, doc, false);
  }
  return doc;
}

/** The live (pending, unexpired) verification of a To in a service, if any. */
export function pendingFor(ctx: Context, serviceSid: string, to: string): VerificationDoc | undefined {
  const rows = ctx.store.list<VerificationDoc>("verification", { parentSid: serviceSid, ...keyColumns("verification", { to, status: "pending" }), order: "desc", limit: 10 });
  let live: VerificationDoc | undefined;
  for (const row of rows) if (settle(ctx, row.doc).status === "pending") live ??= row.doc;
  return live;
}

/** The wire object of a verification (the code never leaves the sandbox). */
export function verificationWire(doc: VerificationDoc): Record<string, unknown> {
  return toWire(doc);
}

/** The wire object of a VerificationCheck answer. */
export function checkWire(doc: VerificationDoc): Record<string, unknown> {
  return {
    sid: doc.sid,
    service_sid: doc.service_sid,
    account_sid: doc.account_sid,
    to: doc.to,
    channel: doc.channel,
    status: doc.status,
    valid: doc.valid,
    amount: doc.amount ?? null,
    payee: doc.payee ?? null,
    date_created: doc.date_created,
    date_updated: doc.date_updated,
    sna_attempts_error_codes: [],
  };
}

/** Digits of the service's length from a SID-factory draw: reproducible when the sandbox is seeded, unguessable otherwise. */
export function makeCode(ctx: Context, length: number): string {
  const digest = createHash("sha256").update(ctx.sid("")).digest();
  return (BigInt(`0x${digest.toString("hex")}`) % 10n ** BigInt(length)).toString().padStart(length, "0");
}

/**
 * The `To` of a verification for its channel: E.164 for phone channels, an email for `email`.
 * @throws SandboxHttpError 400 (60200) for a missing or invalid To
 */
export function validateTo(to: string | undefined, channel: string): string {
  if (to === undefined || to.trim() === "") throw invalid("Invalid parameter To: a To phone number or email is required");
  if (channel === "email") {
    if (!EMAIL.test(to) || to.length > 320) throw invalid(`Invalid parameter To: ${JSON.stringify(to)} is not an email address`);
  } else if (!isE164(to)) {
    throw invalid(`Invalid parameter To: ${JSON.stringify(to)} is not an E.164 phone number`);
  }
  return to;
}
