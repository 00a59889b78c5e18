/**
 * What the generic runtime needs to know about one operation beyond its route string.
 * Generated from the specs; every field is optional and absent means "the usual". The keys are one
 * letter because ~1,500 rows ship in the bundle; each is named and documented below, and
 * `describeOperation` spells a row out with full names.
 */
export interface OperationSpec {
  /** Request content type when it is not `application/x-www-form-urlencoded` (e.g. `application/json`). */
  readonly c?: string;
  /** Params the spec types as arrays: encoded as repeated keys (`MediaUrl=a&MediaUrl=b`). */
  readonly a?: readonly string[];
  /** Params with `format: date`: a `Date` is sent as `YYYY-MM-DD` instead of a date-time. */
  readonly d?: readonly string[];
  /** Key of the item array in a list response (`messages`, `services`). */
  readonly l?: string;
  /** Params sent as HTTP headers (`X-Twilio-Webhook-Enabled`, `If-Match`). */
  readonly h?: readonly string[];
  /** Params sent in the query string although the method has a body. */
  readonly q?: readonly string[];
}

/** Operation specs by route (`"POST /2010-04-01/Accounts/{AccountSid}/Messages.json"`). */
export type OperationTable = Readonly<Record<string, OperationSpec>>;

/**
 * Splits a route into method, Twilio domain (`api`, `messaging`) and the path on that domain.
 * @throws TypeError when the route is not `METHOD /path`, or names no domain.
 */
export function parseRoute(route: string): { method: string; domain: string; path: string } {
  const space = route.indexOf(" ");
  const method = route.slice(0, space);
  const fullPath = route.slice(space + 1);
  if (space <= 0 || !fullPath.startsWith("/")) {
    throw new TypeError(`[@twilio-kit/core] invalid route ${JSON.stringify(route)}: expected "METHOD /path"`);
  }
  // The 2010 API is the only one whose paths start with a date; every other route names its domain.
  if (fullPath.startsWith("/2010-04-01")) return { method, domain: "api", path: fullPath };
  const slash = fullPath.indexOf("/", 1);
  if (slash === -1) throw new TypeError(`[@twilio-kit/core] invalid route ${JSON.stringify(route)}: no domain segment`);
  return { method, domain: fullPath.slice(1, slash), path: fullPath.slice(slash) };
}

/** An operation spec with its fields' full names (see OperationSpec for the one-letter wire form). */
export interface OperationDescription {
  readonly contentType: string;
  readonly arrayParams: readonly string[];
  readonly dateParams: readonly string[];
  readonly listKey: string | undefined;
  readonly headerParams: readonly string[];
  readonly queryParams: readonly string[];
}

/** Spells out a table row with full names and the defaults filled in (for tools and debugging). */
export function describeOperation(spec: OperationSpec = {}): OperationDescription {
  return {
    contentType: spec.c ?? "application/x-www-form-urlencoded",
    arrayParams: spec.a ?? [],
    dateParams: spec.d ?? [],
    listKey: spec.l,
    headerParams: spec.h ?? [],
    queryParams: spec.q ?? [],
  };
}
