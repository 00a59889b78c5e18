// What an API key may do, checked once per request before the handler runs. Account credentials
// (AC…:token) reach everything `assertAccess` allows; keys are narrower:
// - every key acts on its own account only ("Main account API Keys are only available to access main
//   account resources. Access to subaccount resources will be denied", Twilio's subaccount docs);
// - standard keys never reach Accounts or Keys (401 / 20003, as Twilio answers a standard key's
//   `GET /Accounts/AC….json`); main keys do;
// - restricted keys reach exactly the operations their policy names (403 / 70051 otherwise).
import type { Context, Principal } from "../engine/context.js";
import { SandboxHttpError, unauthorized } from "../http/errors.js";
import type { Operation } from "../http/route-table.js";
import type { KeyDoc } from "./account.js";
import { KEY_PERMISSIONS } from "./keys-permissions.js";
import { keyTypeForbidden } from "./keys-types.js";

// the Accounts and Keys resources, closed to standard and restricted keys
const ACCOUNT_AND_KEY_OPERATIONS = new Set([
  "api CreateAccount", "api ListAccount", "api FetchAccount", "api UpdateAccount",
  "api CreateNewKey", "api ListKey", "api FetchKey", "api UpdateKey", "api DeleteKey",
  "api CreateNewSigningKey", "api ListSigningKey", "api FetchSigningKey", "api UpdateSigningKey", "api DeleteSigningKey",
  "iam CreateNewKey", "iam ListGetKeys", "iam FetchKey", "iam UpdateKey", "iam DeleteKey",
]);

/** The type of the key behind a principal, or `undefined` for account credentials. */
export function keyTypeOf(ctx: Context, principal: Principal): KeyDoc["_type"] | undefined {
  if (!principal.keySid) return undefined;
  return ctx.store.cached<KeyDoc>("key", principal.keySid)?._type ?? "standard";
}

/**
 * Checks an API key's reach for one operation; account credentials pass untouched.
 * @throws SandboxHttpError 401 (20003) for another account or a standard key on Accounts/Keys, 403 (70051) outside a restricted key's policy
 */
export function authorizeKey(ctx: Context, principal: Principal, operation: Operation, pathParams: Record<string, string>): void {
  if (!principal.keySid) return;
  const key = ctx.store.cached<KeyDoc>("key", principal.keySid);
  // deleted between authentication and now
  if (!key) throw unauthorized();
  if (pathParams.AccountSid !== undefined && pathParams.AccountSid !== principal.accountSid) throw unauthorized();
  const type = key._type ?? "standard";
  if (type === "main") return;
  const name = `${operation.domain} ${operation.operationId}`;
  if (ACCOUNT_AND_KEY_OPERATIONS.has(name) || operation.domain === "accounts") throw keyTypeForbidden();
  if (type === "standard") return;
  const permission = KEY_PERMISSIONS[name];
  if (permission === undefined || !key._policy?.allow.includes(permission)) {
    throw new SandboxHttpError(
      403,
      70051,
      "Authorization Error",
      permission ? `This restricted API key's policy does not allow ${permission}` : `Restricted API keys have no permission for ${operation.operationId} in the sandbox`,
    );
  }
}
