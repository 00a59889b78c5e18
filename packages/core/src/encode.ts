// Turns (route, params) into the HTTP request Twilio expects: path params substituted, the rest in the
// query (GET/DELETE) or the body (form-encoded with repeated keys, or JSON where the spec says so).
import type { OperationSpec } from "./operations.js";

/** A param value as callers may pass it. */
export type ParamValue = string | number | boolean | Date | null | undefined | readonly unknown[] | object;

/** The encoded parts of one request, before the base URL is known. */
export interface EncodedRequest {
  method: string;
  /** Path on the domain, with path params substituted and the query appended. */
  pathAndQuery: string;
  headers: Record<string, string>;
  body: string | undefined;
}

const FORM = "application/x-www-form-urlencoded";

/** `Date` → ISO 8601 date-time without milliseconds (`2024-01-31T10:00:00Z`), as Twilio documents. */
function formatDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** `Date` → `YYYY-MM-DD` (UTC), for params the spec types as `format: date`. */
function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function scalarToString(name: string, value: unknown, isDateOnly: boolean): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`[@twilio-kit/core] param ${name} is an invalid Date`);
    return isDateOnly ? formatDate(value) : formatDateTime(value);
  }
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  // Objects (ContentVariables, Attributes, …) travel as JSON strings in a form body.
  return JSON.stringify(value);
}

function appendParam(target: URLSearchParams, name: string, value: unknown, spec: OperationSpec | undefined): void {
  if (value === undefined || value === null) return;
  const isDateOnly = spec?.d?.includes(name) ?? false;
  if (Array.isArray(value)) {
    for (const item of value) if (item !== undefined && item !== null) target.append(name, scalarToString(name, item, isDateOnly));
    return;
  }
  target.append(name, scalarToString(name, value, isDateOnly));
}

function toJsonValue(value: unknown): unknown {
  return value instanceof Date ? formatDateTime(value) : value;
}

/**
 * Encodes one request.
 * @throws TypeError when a path param is missing.
 */
export function encodeRequest(
  method: string,
  pathTemplate: string,
  params: Record<string, unknown>,
  spec: OperationSpec | undefined,
  defaults: { AccountSid?: string },
): EncodedRequest {
  const used = new Set<string>();
  const path = pathTemplate.replace(/\{([^}]+)\}/g, (_, name: string) => {
    used.add(name);
    const value = params[name] ?? (name === "AccountSid" ? defaults.AccountSid : undefined);
    if (value === undefined || value === null || value === "") {
      throw new TypeError(`[@twilio-kit/core] missing path param ${name} for ${method} ${pathTemplate}`);
    }
    return encodeURIComponent(scalarToString(name, value, spec?.d?.includes(name) ?? false));
  });

  const headers: Record<string, string> = {};
  let query: URLSearchParams | undefined;
  const bodyEntries: [string, unknown][] = [];
  const hasBody = method !== "GET" && method !== "DELETE" && method !== "HEAD";
  for (const name in params) {
    const value = params[name];
    if (value === undefined || used.has(name)) continue;
    if (spec?.h?.includes(name)) {
      if (value !== null) headers[name] = scalarToString(name, value, false);
    } else if (!hasBody || spec?.q?.includes(name)) {
      appendParam((query ??= new URLSearchParams()), name, value, spec);
    } else {
      bodyEntries.push([name, value]);
    }
  }

  let body: string | undefined;
  if (hasBody) {
    const contentType = spec?.c ?? FORM;
    if (contentType === FORM) {
      const form = new URLSearchParams();
      for (const [name, value] of bodyEntries) appendParam(form, name, value, spec);
      body = form.toString();
    } else {
      body = JSON.stringify(Object.fromEntries(bodyEntries.map(([name, value]) => [name, toJsonValue(value)])));
    }
    headers["Content-Type"] = contentType;
  }
  const search = query?.toString();
  return { method, pathAndQuery: search ? `${path}?${search}` : path, headers, body };
}
