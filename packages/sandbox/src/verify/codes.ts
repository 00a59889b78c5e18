// The codes Verify sent, for tests: Verify's API never returns them.
import type { Context } from "../engine/context.js";
import { settle, type VerificationCodeInfo, type VerificationDoc } from "./verification.js";
import { keyColumns } from "../engine/keys.js";

/**
 * Codes sent so far, newest first: of one To and/or service, or every one (up to `limit`).
 * Expired, approved and canceled verifications are listed too, with their status.
 */
export function verificationCodes(ctx: Context, filter: { to?: string; serviceSid?: string; verificationSid?: string; limit?: number }): VerificationCodeInfo[] {
  let docs: VerificationDoc[];
  if (filter.verificationSid !== undefined) {
    const doc = ctx.store.get<VerificationDoc>("verification", filter.verificationSid);
    docs = doc && (filter.to === undefined || doc.to === filter.to) && (filter.serviceSid === undefined || doc.service_sid === filter.serviceSid) ? [doc] : [];
  } else {
    docs = ctx.store.list<VerificationDoc>("verification", { ...keyColumns("verification", { to: filter.to }), parentSid: filter.serviceSid, order: "desc", limit: filter.limit ?? 100 }).map((row) => row.doc);
  }
  return docs
    .map((doc) => settle(ctx, doc))
    .map((doc) => ({
      to: doc.to,
      channel: doc.channel,
      code: doc._code,
      status: doc.status,
      serviceSid: doc.service_sid,
      verificationSid: doc.sid,
      accountSid: doc.account_sid,
      dateCreated: doc.date_created,
    }));
}

/** The code of the newest verification sent to `to` (optionally in one service), or undefined. */
export function latestVerificationCode(ctx: Context, to: string, serviceSid?: string): string | undefined {
  return verificationCodes(ctx, { to, serviceSid, limit: 1 })[0]?.code;
}
