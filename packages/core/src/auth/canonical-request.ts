// The canonical request of public-key client validation (PKCV), built as twilio-node's
// RequestCanonicalizer builds it, from the request exactly as it goes on the wire:
//   METHOD \n path \n sorted query \n signed headers "name:value\n" \n "authorization;host" \n sha256(body)
// https://www.twilio.com/docs/iam/pkcv
// Twilio signs two headers: `authorization` and `host`.

/** The request parts PKCV covers. */
export interface CanonicalInput {
  method: string;
  /** The full URL, query included. */
  url: string;
  /** Request headers; only `Authorization` is read (the host comes from the URL). */
  headers: Record<string, string>;
  body: string | undefined;
}

/** The canonical request string and the `hrh` claim (signed header names). */
export interface CanonicalRequest {
  canonical: string;
  hashedHeaders: string;
}

/** ASCII (UTF-16 code unit) order, as twilio-node compares: not locale order. */
function asciiCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** RFC 3986 encoding: encodeURIComponent plus `*`, with `~` left alone. */
function encodeComponent(value: string): string {
  return encodeURIComponent(value).replace(/\*/g, "%2A").replace(/%7E/g, "~");
}

/** Decodes once; a stray `%` that is not an escape stays as it is. */
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Each path segment decoded then re-encoded, duplicate slashes collapsed. */
function canonicalPath(pathname: string): string {
  return pathname
    .replace(/\/+/g, "/")
    .split("/")
    .map((segment) => encodeComponent(safeDecode(segment)))
    .join("/");
}

/**
 * `key=value` pairs sorted on their decoded form, then encoded. Each pair on the wire counts,
 * so repeated keys (`MediaUrl=a&MediaUrl=b`) appear once per value.
 */
function canonicalQuery(search: string): string {
  const pairs = [...new URLSearchParams(search)].map(([key, value]) => ({ key, value, sortKey: `${key}=${value}` }));
  pairs.sort((a, b) => asciiCompare(a.sortKey, b.sortKey));
  return pairs.map(({ key, value }) => `${encodeComponent(key)}=${encodeComponent(value)}`).join("&");
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const key in headers) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

/** Lowercase hex of SHA-256 over the UTF-8 bytes of `text`. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** Builds the canonical request string of one request. */
export async function canonicalizeRequest(input: CanonicalInput): Promise<CanonicalRequest> {
  const url = new URL(input.url);
  const signed: Record<string, string | undefined> = { authorization: headerValue(input.headers, "authorization"), host: url.host };
  const names = Object.keys(signed).sort(asciiCompare);
  const headerLines = names.map((name) => `${name}:${signed[name]?.trim() ?? ""}`).sort(asciiCompare);
  const hashedHeaders = names.join(";");
  const bodyHash = input.body ? await sha256Hex(input.body) : "";
  const canonical = [
    input.method.toUpperCase(),
    canonicalPath(url.pathname),
    canonicalQuery(url.search),
    `${headerLines.join("\n")}\n`,
    hashedHeaders,
    bodyHash,
  ].join("\n");
  return { canonical, hashedHeaders };
}
