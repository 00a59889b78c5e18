// Routing and request validation driven by the generated table (src/generated/routes.ts).
import { INVALID_PARAMETER, SandboxHttpError } from "./errors.js";
import type { Params } from "../engine/util.js";

/**
 * Constraints of one parameter as the generated table stores them: short keys keep the table small
 * (it is parsed at every start). `decodeParam` turns them into `ParamRules`.
 */
export interface ParamConstraints {
  /** pattern */
  p?: string;
  /** enum */
  e?: string[];
  /** minimum */
  min?: number;
  /** maximum */
  max?: number;
  /** maxLength */
  ml?: number;
  /** format: uri */
  u?: 1;
  /** item type of an array (when not string) */
  it?: string;
}

/** A parameter row of the generated table: `[name, in (p|q|b|h), required (0|1), type, constraints?]`. Read it with `decodeParam`. */
export type ParamRow = [string, string, 0 | 1, string, ParamConstraints?];

/** A route row of the generated table: `[method, domain, path, operationId, successStatus, params, listKey?]`. Read it with `decodeRoute`. */
export type RouteRow = [string, string, string, string, number, ParamRow[], string?];

/** Where a parameter travels. */
export type ParamLocation = "path" | "query" | "body" | "header";

/** The spec's rules for a parameter's value, by their OpenAPI names. */
export interface ParamRules {
  pattern?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  /** `format: uri`: an absolute http(s) URL (or empty, to clear a URL). */
  isUri?: boolean;
  /** Type of an array's items (default string). */
  itemType?: string;
}

/** One parameter of an operation. */
export interface ParamSpec {
  name: string;
  location: ParamLocation;
  isRequired: boolean;
  /** OpenAPI type: string, integer, number, boolean, array, … */
  type: string;
  rules: ParamRules | undefined;
}

/** One operation of the specs, as the generated table lists it. */
export interface RouteSpec {
  method: string;
  /** Product domain: `api`, `messaging`, `verify`, … (`{domain}.twilio.com`). */
  domain: string;
  /** Path template, e.g. `/2010-04-01/Accounts/{AccountSid}/Messages.json`. */
  path: string;
  operationId: string;
  successStatus: number;
  params: ParamSpec[];
  /** Key of the item array in a list response (list operations only). */
  listKey: string | undefined;
}

const LOCATIONS: Record<string, ParamLocation> = { p: "path", q: "query", b: "body", h: "header" };

/** Names the positions of a parameter row. */
export function decodeParam(row: ParamRow): ParamSpec {
  const [name, where, required, type, c] = row;
  const rules: ParamRules | undefined = c && {
    pattern: c.p,
    enum: c.e,
    minimum: c.min,
    maximum: c.max,
    maxLength: c.ml,
    isUri: c.u === 1,
    itemType: c.it,
  };
  return { name, location: LOCATIONS[where] ?? "query", isRequired: required === 1, type, rules };
}

/** Names the positions of a route row. */
export function decodeRoute(row: RouteRow): RouteSpec {
  const [method, domain, path, operationId, successStatus, params, listKey] = row;
  return { method, domain, path, operationId, successStatus, params: params.map(decodeParam), listKey };
}

/** One operation as the server sees it: the route and its path, split for matching. */
export interface Operation extends RouteSpec {
  /** Path segments; `null` marks a `{Param}` placeholder, whose name is in `names`. */
  segments: Array<string | null>;
  names: string[];
  /** Prefix and suffix around a placeholder inside one segment (`{Sid}.json`). */
  affixes: Array<[string, string] | null>;
}

/** What `match` found: an operation with its path params, or only that the path exists. */
export type RouteMatch =
  | { kind: "operation"; operation: Operation; pathParams: Record<string, string> }
  | { kind: "method-not-allowed" }
  | { kind: "none" };

/** Builds a router over the table; lookups go by domain and segment count, then literal segments. */
export function createRouter(rows: RouteRow[]) {
  const buckets = new Map<string, Operation[]>();
  for (const row of rows) {
    const route = decodeRoute(row);
    const raw = route.path.split("/").slice(1);
    const segments: Array<string | null> = [];
    const names: string[] = [];
    const affixes: Array<[string, string] | null> = [];
    for (const segment of raw) {
      const match = /^(.*)\{([^}]+)\}(.*)$/.exec(segment);
      if (match) {
        segments.push(null);
        names.push(match[2]!);
        affixes.push([match[1]!, match[3]!]);
      } else {
        segments.push(segment);
        affixes.push(null);
      }
    }
    const operation: Operation = { ...route, segments, names, affixes };
    const key = `${route.domain} ${route.method} ${segments.length}`;
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = []));
    bucket.push(operation);
  }
  // literal-heavy routes first, so `/Messages/{Sid}.json` never shadows a literal sibling
  for (const bucket of buckets.values()) {
    bucket.sort((a, b) => a.names.length - b.names.length);
  }

  return {
    /** Finds the operation for a request; `path` is the Twilio path without the domain. */
    match(method: string, domain: string, path: string): RouteMatch {
      const parts = path.split("/").slice(1);
      for (const op of buckets.get(`${domain} ${method} ${parts.length}`) ?? []) {
        const pathParams = matchSegments(op, parts);
        if (pathParams) return { kind: "operation", operation: op, pathParams };
      }
      // no operation for this method: does the path exist with another one (405) or not at all (404)?
      for (const other of METHODS) {
        if (other === method) continue;
        for (const op of buckets.get(`${domain} ${other} ${parts.length}`) ?? []) {
          if (matchSegments(op, parts)) return { kind: "method-not-allowed" };
        }
      }
      return { kind: "none" };
    },
    /** Every operation (for the not-emulated listing). */
    operations(): Operation[] {
      return [...buckets.values()].flat();
    },
  };
}

function matchSegments(op: Operation, parts: string[]): Record<string, string> | undefined {
  // most candidates of a bucket fail on a literal segment: check those before allocating anything
  for (let i = 0; i < parts.length; i++) {
    const literal = op.segments[i];
    if (literal !== null && literal !== parts[i]) return undefined;
  }
  const pathParams: Record<string, string> = {};
  let nameIndex = 0;
  for (let i = 0; i < parts.length; i++) {
    if (op.segments[i] !== null) continue;
    const part = parts[i]!;
    const [prefix, suffix] = op.affixes[i]!;
    if (!part.startsWith(prefix) || !part.endsWith(suffix) || part.length <= prefix.length + suffix.length) return undefined;
    let value = part.slice(prefix.length, part.length - suffix.length);
    try {
      value = decodeURIComponent(value);
    } catch {
      return undefined;
    }
    pathParams[op.names[nameIndex++]!] = value;
  }
  return pathParams;
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const patternCache = new Map<string, RegExp>();

function invalid(message: string): SandboxHttpError {
  return new SandboxHttpError(400, INVALID_PARAMETER, message);
}

/**
 * Checks params against the spec: types, enums, patterns, ranges, uri format, and required params
 * (unless `requiredCodes` maps a missing param to Twilio's own business-rule code).
 * @throws SandboxHttpError 400
 */
export function validateParams(
  operation: Operation,
  params: Params,
  pathParams: Record<string, string>,
  requiredCodes: Record<string, [number, string]> = {},
): void {
  for (const { name, location, isRequired, type, rules } of operation.params) {
    if (location === "header") continue;
    const values = location === "path" ? (pathParams[name] === undefined ? undefined : [pathParams[name]!]) : params[name];
    if (!values || values.length === 0) {
      if (isRequired) {
        const special = requiredCodes[name];
        if (special) throw new SandboxHttpError(400, special[0], special[1]);
        throw invalid(`Missing required parameter ${name} in the post body`);
      }
      continue;
    }
    if (location === "path") {
      // a malformed SID in the path is a 404 at Twilio, not a 400
      if (rules?.pattern && !regex(rules.pattern).test(values[0]!)) throw new SandboxHttpError(404, 20404, `The requested resource was not found`);
      continue;
    }
    const itemType = type === "array" ? (rules?.itemType ?? "string") : type;
    const checked = type === "array" ? values : values.slice(0, 1);
    for (const value of checked) checkValue(name, value, itemType, type === "array" ? undefined : rules);
  }
}

function regex(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) patternCache.set(pattern, (re = new RegExp(pattern)));
  return re;
}

function checkValue(name: string, value: string, type: string, c: ParamRules | undefined): void {
  if (type === "integer") {
    if (!/^-?\d+$/.test(value)) throw invalid(`Invalid ${name}: ${JSON.stringify(value)} is not an integer`);
  } else if (type === "number") {
    if (value.trim() === "" || !Number.isFinite(Number(value))) throw invalid(`Invalid ${name}: ${JSON.stringify(value)} is not a number`);
  } else if (type === "boolean") {
    if (!/^(true|false)$/i.test(value)) throw invalid(`Invalid ${name}: ${JSON.stringify(value)} is not true or false`);
  }
  if (!c) return;
  if ((type === "integer" || type === "number") && (c.minimum !== undefined || c.maximum !== undefined)) {
    const n = Number(value);
    if ((c.minimum !== undefined && n < c.minimum) || (c.maximum !== undefined && n > c.maximum)) {
      throw invalid(`Invalid ${name}: ${value} is out of range [${c.minimum ?? "-∞"}, ${c.maximum ?? "∞"}]`);
    }
  }
  // Twilio treats enum values of http methods case-insensitively (`method=post` works)
  if (c.enum && !c.enum.includes(value) && !c.enum.includes(value.toUpperCase())) {
    throw invalid(`Invalid ${name}: ${JSON.stringify(value)} is not one of ${c.enum.join(", ")}`);
  }
  if (c.pattern && !regex(c.pattern).test(value)) throw invalid(`Invalid ${name}: ${JSON.stringify(value)} does not match ${c.pattern}`);
  if (c.maxLength !== undefined && value.length > c.maxLength) throw invalid(`Invalid ${name}: longer than ${c.maxLength} characters`);
  if (c.isUri && value !== "") {
    let ok = false;
    try {
      const url = new URL(value);
      ok = url.protocol === "http:" || url.protocol === "https:";
    } catch {
      ok = false;
    }
    if (!ok) throw invalid(`Invalid ${name}: ${JSON.stringify(value)} is not an absolute http(s) URL`);
  }
}
