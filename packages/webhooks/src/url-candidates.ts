// The URLs a signature may have been computed over. Twilio's back end is inconsistent about ports,
// and twilio-node (the reference we must agree with) also accepts the WHATWG-normalised URL and a
// query re-encoded like Node's legacy `querystring`. Plain string work, so it runs on any runtime.
// Kept small on purpose: this module is part of every validate-only bundle.

/**
 * The URL without any port (not only the default ones, as every official library does) and with
 * a port (`:443` for https, `:80` otherwise, unless it already has one). Split without normalising:
 * `new URL()` would re-encode characters Twilio signed as they were.
 */
export function portVariants(url: string): [withoutPort: string, withPort: string] {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return [url, url];
  const scheme = match[1]!;
  const authority = match[2]!;
  const hostStart = authority.lastIndexOf("@") + 1;
  // A colon starts the port only after the closing bracket of an IPv6 literal.
  const portStart = authority.indexOf(":", Math.max(hostStart, authority.lastIndexOf("]") + 1));
  const base = scheme + (portStart < 0 ? authority : authority.slice(0, portStart));
  const rest = url.slice(match[0].length);
  return [base + rest, portStart < 0 ? base + (scheme.toLowerCase() === "https://" ? ":443" : ":80") + rest : url];
}

// Lower-case http(s), an ASCII host whose last label starts with a letter (so no IPv4 parsing), an
// optional port without leading zeros, a non-empty path of characters `new URL()` leaves alone, no
// fragment, and an optional query of `name=value` pairs made of characters that neither `new URL()`
// nor a querystring parse + stringify change (no `%`, `+`, `'`). Dot segments, `xn--` labels, ports
// over 65535, repeated names and array-index names are excluded separately.
const plainUrl = /^https?:\/\/(?:[a-z\d-]+\.)*[a-z][a-z\d-]*(?::([1-9]\d{0,4}))?\/[\w\-.~!$&'()*+,;=:@/%]*(?:\?([\w.~-]+=[\w.~-]*(?:&[\w.~-]+=[\w.~-]*)*))?$/;

// querystring groups a repeated name's values together and puts array-index names (`0`, `12`) first,
// and stops after 1000 pairs: any of those would reorder the query.
function isPlainQuery(query: string | undefined): boolean {
  if (query === undefined) return true;
  const names = query.split("&").map((pair) => pair.slice(0, pair.indexOf("=")));
  return names.length < 1000 && new Set(names).size === names.length && !names.some((name) => /^\d+$/.test(name));
}

/**
 * Whether `new URL(url).href` is `url` itself or, for a default port, `url` without it, and its
 * legacy-querystring form is that too: then the later candidates add nothing to the two port
 * variants of `url`. False when unsure; only the node:crypto verifier uses it, to skip parsing on a
 * mismatch.
 */
export function isNormalizedUrl(url: string): boolean {
  const match = plainUrl.exec(url);
  return !!match && Number(match[1] ?? 0) < 65536 && !/\/(?:\.|%2e)/i.test(url) && !url.includes("xn--") && isPlainQuery(match[2]);
}

// Non-fatal (U+FFFD for invalid UTF-8) and BOM-preserving, like Buffer#toString in querystring.unescape.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

// Node's `querystring.unescape` on ASCII input: decode each run of `%XX` escapes as UTF-8 bytes, keep
// malformed escapes literally. Equal to decodeURIComponent whenever that succeeds, and to its
// byte-wise fallback otherwise: ASCII between runs always ends an incomplete UTF-8 sequence.
function legacyUnescape(text: string): string {
  return text
    .replaceAll("+", " ")
    .replace(/(?:%[0-9a-f]{2})+/gi, (run) => decoder.decode(new Uint8Array(run.slice(1).split("%").map((hex) => parseInt(hex, 16)))));
}

/**
 * The URL with its query parsed and re-serialised the way Node's `querystring.parse` + `stringify` do.
 * Expects the ASCII output of `new URL().href`.
 */
export function withLegacyQuerystring(url: string): string {
  const queryStart = url.indexOf("?");
  if (queryStart < 0 || queryStart === url.length - 1) return url;
  // A null-prototype object reproduces querystring's key order exactly (array-index keys first).
  const parsed: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  // querystring stops after 1000 pairs.
  for (const segment of url.slice(queryStart + 1).split("&").filter(Boolean).slice(0, 1000)) {
    const eq = segment.indexOf("=");
    const key = legacyUnescape(eq < 0 ? segment : segment.slice(0, eq));
    (parsed[key] ??= []).push(legacyUnescape(eq < 0 ? "" : segment.slice(eq + 1)));
  }
  const out: string[] = [];
  for (const key in parsed) for (const value of parsed[key]!) out.push(encodeURIComponent(key) + "=" + encodeURIComponent(value));
  return url.slice(0, queryStart + 1) + out.join("&");
}
