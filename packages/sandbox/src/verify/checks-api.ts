// VerificationChecks (`/v2/Services/{ServiceSid}/VerificationCheck`): a code against the pending verification.
import { assertAccess } from "../accounts/auth.js";
import { first, iso8601 } from "../engine/util.js";
import { SandboxHttpError } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import { invalid, notFoundVerify, sidParam } from "./params.js";
import { ownedService } from "./service.js";
import { checkWire, MAX_CHECK_ATTEMPTS, MAX_CHECKS, pendingFor, saveVerification, settle, type VerificationDoc } from "./verification.js";

/** Handlers of the VerificationCheck operation. */
export const checkHandlers: Record<string, Handler> = {

  CreateVerificationCheck({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, principal.accountSid);
    const service = ownedService(ctx, account.sid, path.ServiceSid!, rawPath);
    const code = first(params, "Code");
    if (code === undefined || code === "") throw invalid("Invalid parameter Code: a Code is required");
    if (code.length > 64) throw invalid("Invalid parameter Code: too long");
    const verificationSid = sidParam(params, "VerificationSid", "VE");
    const to = first(params, "To");
    if (verificationSid === undefined && to === undefined) throw invalid("Invalid parameter: either To or VerificationSid must be specified");
    let doc: VerificationDoc | undefined;
    if (verificationSid !== undefined) {
      const found = ctx.store.get<VerificationDoc>("verification", verificationSid);
      if (found && found.service_sid === service.sid && found.account_sid === account.sid && settle(ctx, found).status === "pending") doc = found;
    } else {
      doc = pendingFor(ctx, service.sid, to!);
    }
    if (!doc) throw notFoundVerify(rawPath);
    const nowMs = ctx.clock.now();
    if (doc._failedChecks >= MAX_CHECKS) {
      doc.status = "max_attempts_reached";
      doc.date_updated = iso8601(nowMs);
      saveVerification(ctx, doc, false);
      throw new SandboxHttpError(429, MAX_CHECK_ATTEMPTS, "Max check attempts reached");
    }
    if (code === doc._code) {
      doc.status = "approved";
      doc.valid = true;
      doc.date_updated = iso8601(nowMs);
    } else {
      doc._failedChecks++;
    }
    saveVerification(ctx, doc, false);
    ctx.events.emit({ type: "verify.check", at: nowMs, sid: doc.sid, to: doc.to, valid: doc.valid, status: doc.status });
    return { status: 200, body: checkWire(doc) };
  },
};
