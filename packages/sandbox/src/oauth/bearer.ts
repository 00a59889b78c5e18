// `Authorization: Bearer <token>` on API requests: tokens from the sandbox's OAuth endpoint. A bad,
// forged or expired token is Twilio's 401 / 20003; other schemes fall through to Basic auth.
import type { AccountDoc } from "../accounts/account.js";
import type { Context, Principal } from "../engine/context.js";
import { SandboxHttpError, unauthorized } from "../http/errors.js";
import { verifyAccessToken } from "./tokens.js";

/**
 * The principal of a Bearer header, or undefined when the header is not a Bearer one.
 * @throws SandboxHttpError 401 (20003) for an invalid or expired token, 401 (20005) for a suspended account
 */
export function authenticateBearer(ctx: Context, header: string | undefined): Principal | undefined {
  const match = /^bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match) return undefined;
  const principal = verifyAccessToken(ctx, match[1]!);
  if (!principal) throw unauthorized();
  const account = ctx.store.cached<AccountDoc>("account", principal.accountSid);
  if (!account || account.status === "closed") throw unauthorized();
  if (account.status === "suspended") throw new SandboxHttpError(401, 20005, "Account not active");
  // a token bought with an API key dies with the key
  if (principal.keySid && !ctx.store.cached("key", principal.keySid)) throw unauthorized();
  return principal;
}
