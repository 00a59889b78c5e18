// The three API key types (https://www.twilio.com/docs/iam/api-keys): `main` reaches everything the
// account's own credentials reach; `standard` everything except the Accounts (`/Accounts`) and Keys
// (`/Accounts/{Sid}/Keys`, `/v1/Keys`) resources; `restricted` only what its Policy allows, as
// `/twilio/{product}/{resource}/{action}` permissions (at most 100).
import { badRequest, SandboxHttpError } from "../http/errors.js";
import { KEY_PERMISSIONS } from "./keys-permissions.js";

/** A key's type. Twilio's API creates `standard` (default) and `restricted`; `main` keys come from the Console. */
export type KeyType = "standard" | "main" | "restricted";

/** A restricted key's policy, as the iam v1 `Policy` parameter carries it. */
export interface KeyPolicy {
  allow: string[];
}

const MAX_PERMISSIONS = 100;
const KNOWN = new Set(Object.values(KEY_PERMISSIONS));
const PERMISSION_SHAPE = /^\/twilio\/[a-z0-9.-]+\/[a-z0-9.-]+(\/[a-z0-9.-]+)*$/;

/**
 * Parses `KeyType` and `Policy` of an iam v1 key create.
 * @throws SandboxHttpError 400 for an unknown type, a missing or malformed policy, or a policy on a non-restricted key
 */
export function parseKeyType(keyType: string | undefined, policy: string | undefined): { type: KeyType; policy: KeyPolicy | null } {
  const type = keyType === undefined || keyType === "" ? "standard" : keyType;
  if (type !== "standard" && type !== "restricted" && type !== "main") {
    throw badRequest(20001, `Invalid KeyType: ${JSON.stringify(keyType)} is not one of restricted (or the sandbox's main)`);
  }
  if (type !== "restricted") {
    if (policy !== undefined && policy !== "") throw badRequest(20001, "Policy is only accepted with KeyType=restricted");
    return { type, policy: null };
  }
  if (policy === undefined || policy === "") throw badRequest(20001, "KeyType=restricted requires a Policy");
  return { type, policy: parsePolicy(policy) };
}

/**
 * Parses a `{"allow": [...]}` policy.
 * @throws SandboxHttpError 400 (20001 malformed, 70002 an unknown permission)
 */
export function parsePolicy(text: string): KeyPolicy {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest(20001, "Invalid Policy: not JSON (expected {\"allow\": [\"/twilio/...\"]})");
  }
  const allow = (value as { allow?: unknown } | null)?.allow;
  if (typeof value !== "object" || value === null || Array.isArray(value) || !Array.isArray(allow) || allow.length === 0) {
    throw badRequest(20001, "Invalid Policy: expected {\"allow\": [\"/twilio/...\"]} with at least one permission");
  }
  if (allow.length > MAX_PERMISSIONS) throw badRequest(20001, `Invalid Policy: at most ${MAX_PERMISSIONS} permissions per key, got ${allow.length}`);
  for (const permission of allow) {
    if (typeof permission !== "string" || !PERMISSION_SHAPE.test(permission)) {
      throw badRequest(70002, `assertion ${JSON.stringify(String(permission)).slice(0, 120)} is invalid`);
    }
  }
  // permissions of products the sandbox does not emulate are accepted (they name real Twilio
  // endpoints); they simply never match an emulated operation
  return { allow: [...new Set(allow as string[])] };
}

/** Whether a permission string names an operation the sandbox emulates (for the README table and tests). */
export function isEmulatedPermission(permission: string): boolean {
  return KNOWN.has(permission);
}

/** 401 / 20003, Twilio's answer when a standard key reaches for Accounts or Keys. */
export function keyTypeForbidden(): SandboxHttpError {
  return new SandboxHttpError(401, 20003, "Authenticate", "Standard API keys cannot access the Accounts or Keys resources; use a Main key or the account's credentials.");
}
