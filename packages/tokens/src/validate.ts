// Shared option checks. Each throws a TypeError whose message names the exact option.
import { check } from "./errors.js";

/** Is `value` an object (an options bag), not an array or null? */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * An options object.
 * @throws TypeError when it is not a plain object.
 */
export function record(value: unknown, option: string): Record<string, unknown> {
  check(isRecord(value), option, "an object");
  return value as Record<string, unknown>;
}

/**
 * A required, non-empty string.
 * @throws TypeError naming the option otherwise.
 */
export function requiredString(value: unknown, option: string): string {
  check(typeof value === "string" && value, option, "a non-empty string");
  return value as string;
}

/**
 * An optional string (`undefined` passes through).
 * @throws TypeError naming the option when it is another type.
 */
export function optionalString(value: unknown, option: string): string | undefined {
  check(value === undefined || typeof value === "string", option, "a string");
  return value as string | undefined;
}

/**
 * A lifetime in seconds: a positive integer, 3600 when absent (twilio-node's default).
 * @throws TypeError naming `ttl` otherwise.
 */
export function ttlSeconds(value: unknown): number {
  if (value === undefined) return 3600;
  check(Number.isSafeInteger(value) && (value as number) > 0, "ttl", "a positive integer");
  return value as number;
}

/**
 * Rejects keys a caller may have misspelt (`roomName` for `room`): silently ignoring them would mint
 * a token without the access they meant to grant.
 * @throws TypeError naming the unknown option.
 */
export function knownKeys(value: Record<string, unknown>, allowed: readonly string[], option: string): void {
  for (const key of Object.keys(value)) check(allowed.includes(key), `${option}.${key}`, `one of: ${allowed.join(" ")}`);
}
