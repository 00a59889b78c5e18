// Verify's own parameter checks and error answers (60200, and 20404 with Verify's paths).
import { first, type Params } from "../engine/util.js";
import { SandboxHttpError } from "../http/errors.js";
import { VERIFY_INVALID_PARAMETER } from "./verification.js";

/** A 400 with Verify's 60200 code. */
export function invalid(message: string): SandboxHttpError {
  return new SandboxHttpError(400, VERIFY_INVALID_PARAMETER, message);
}

// Verify answers unknown or foreign resources with its own path in the message.
/** A 404 (20404) naming the Verify path, as Verify words it. */
export function notFoundVerify(path: string): SandboxHttpError {
  return new SandboxHttpError(404, 20404, `The requested resource ${path} was not found`);
}

/**
 * A boolean param, or undefined when absent.
 * @throws SandboxHttpError 400 (60200) when it is not true or false
 */
export function bool(params: Params, name: string): boolean | undefined {
  const value = first(params, name);
  if (value === undefined) return undefined;
  if (!/^(true|false)$/i.test(value)) throw invalid(`Invalid parameter ${name}: ${JSON.stringify(value)} is not true or false`);
  return value.toLowerCase() === "true";
}

/**
 * An integer param in [min, max], or undefined when absent.
 * @throws SandboxHttpError 400 (60200) outside the range or not an integer
 */
export function integer(params: Params, name: string, min: number, max: number): number | undefined {
  const value = first(params, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,3}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw invalid(`Invalid parameter ${name}: must be an integer between ${min} and ${max}`);
  }
  return Number(value);
}

/**
 * A SID param with the given prefix, or undefined when absent.
 * @throws SandboxHttpError 400 (60200) when it is not such a SID
 */
export function sidParam(params: Params, name: string, prefix: string): string | undefined {
  const value = first(params, name);
  if (value === undefined) return undefined;
  if (!new RegExp(`^${prefix}[0-9a-fA-F]{32}$`).test(value)) throw invalid(`Invalid parameter ${name}: ${JSON.stringify(value)} is not a ${prefix} SID`);
  return value;
}

/**
 * A string param up to `maxLength` characters, or undefined when absent.
 * @throws SandboxHttpError 400 (60200) when longer
 */
export function text(params: Params, name: string, maxLength = 256): string | undefined {
  const value = first(params, name);
  if (value !== undefined && value.length > maxLength) throw invalid(`Invalid parameter ${name}: longer than ${maxLength} characters`);
  return value;
}
