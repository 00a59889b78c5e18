// The one check of `Page` and `PageSize` for every list (v2010 and the newer APIs): both are plain
// decimal integers in range, so `page * pageSize` stays a safe integer inside SQLite's range.
import { SandboxHttpError } from "../http/errors.js";
import { first, type Params } from "./util.js";

/** Largest page size Twilio serves. */
export const MAX_PAGE_SIZE = 1000;
/** Largest page number accepted: with 1000 rows a page, the offset stays far below 2^53. */
export const MAX_PAGE = 999_999_999;

/** Page number and size of a list request. */
export interface PageParams {
  page: number;
  pageSize: number;
}

function integerIn(params: Params, name: string, min: number, max: number, fallback: number, code: number): number {
  const raw = first(params, name);
  if (raw === undefined) return fallback;
  // digits only: "1e3", "1.5", "-1", " 7" and 20-digit numbers never reach arithmetic
  const value = /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new SandboxHttpError(400, code, `Invalid ${name}: ${JSON.stringify(raw.slice(0, 40))} is not an integer in [${min}, ${max}]`);
  }
  return value;
}

/**
 * Reads `Page` (default 0) and `PageSize` (default `defaultSize`).
 * @throws SandboxHttpError 400 with `code` (20001 unless the API has its own) for a value out of range
 */
export function pageParams(params: Params, code = 20001, defaultSize = 50): PageParams {
  return {
    pageSize: integerIn(params, "PageSize", 1, MAX_PAGE_SIZE, defaultSize, code),
    page: integerIn(params, "Page", 0, MAX_PAGE, 0, code),
  };
}
