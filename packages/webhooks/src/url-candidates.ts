// The URLs a signature may have been computed over. Twilio's back end is inconsistent about ports,
// and twilio-node (the reference we must agree with) also accepts the WHATWG-normalised URL and a
// query re-encoded like Node's legacy `querystring`. Every step here is plain string work so it
// runs on any runtime, and never throws.

interface UrlParts {
  scheme: string;
  userInfo: string;
  host: string;
  port: string;
  rest: string;
}

// Split without normalising: `new URL()` would re-encode characters Twilio signed as they were.
function splitUrl(url: string): UrlParts | undefined {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return undefined;
  const [prefix, scheme = "", authority = ""] = match;
  const userInfoEnd = authority.lastIndexOf("@");
  const hostAndPort = authority.slice(userInfoEnd + 1);
  // A colon starts the port only after the closing bracket of an IPv6 literal.
  const portStart = hostAndPort.indexOf(":", hostAndPort.lastIndexOf("]") + 1);
  return {
    scheme,
    userInfo: authority.slice(0, userInfoEnd + 1),
    host: portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart),
    port: portStart === -1 ? "" : hostAndPort.slice(portStart),
    rest: url.slice(prefix.length),
  };
}

/** The URL with `:443` (https) or `:80` (anything else) added when it has no port; unchanged otherwise. */
export function addPort(url: string): string {
  const parts = splitUrl(url);
  if (!parts || parts.port) return url;
  const port = parts.scheme.toLowerCase() === "https://" ? ":443" : ":80";
  return parts.scheme + parts.userInfo + parts.host + port + parts.rest;
}

/** The URL with any port removed (not only the default ones, as every official library does). */
export function removePort(url: string): string {
  const parts = splitUrl(url);
  if (!parts) return url;
  return parts.scheme + parts.userInfo + parts.host + parts.rest;
}

// Node's `querystring.unescape`: decodeURIComponent, falling back to byte-wise decoding that keeps
// malformed escapes literally and replaces invalid UTF-8 with U+FFFD.
function legacyUnescape(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    const bytes: number[] = [];
    const encoder = new TextEncoder();
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 0x25 && /^[0-9a-f]{2}$/i.test(text.slice(i + 1, i + 3))) {
        bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
        i += 2;
      } else if (code < 0x80) {
        bytes.push(code);
      } else {
        // Take the whole code point so surrogate pairs encode as one 4-byte sequence.
        const point = text.codePointAt(i) ?? code;
        if (point > 0xffff) i++;
        for (const byte of encoder.encode(String.fromCodePoint(point))) bytes.push(byte);
      }
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  }
}

// Node's legacy `querystring` stops after 1000 pairs.
const legacyMaxPairs = 1000;

/** The URL with its query parsed and re-serialised the way Node's `querystring.parse` + `stringify` do. */
export function withLegacyQuerystring(url: string): string {
  const queryStart = url.indexOf("?");
  if (queryStart === -1 || queryStart === url.length - 1) return url;
  // A null-prototype object reproduces querystring's key order exactly (array-index keys first).
  const parsed: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  let pairs = 0;
  for (const segment of url.slice(queryStart + 1).split("&")) {
    if (segment === "") continue;
    if (pairs++ === legacyMaxPairs) break;
    const eq = segment.indexOf("=");
    const rawKey = eq === -1 ? segment : segment.slice(0, eq);
    const rawValue = eq === -1 ? "" : segment.slice(eq + 1);
    const key = legacyUnescape(rawKey.replace(/\+/g, " "));
    const value = legacyUnescape(rawValue.replace(/\+/g, " "));
    const previous = parsed[key];
    if (previous === undefined) parsed[key] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else parsed[key] = [previous, value];
  }
  const out: string[] = [];
  for (const key of Object.keys(parsed)) {
    const value = parsed[key] as string | string[];
    const name = encodeURIComponent(key) + "=";
    for (const item of Array.isArray(value) ? value : [value]) out.push(name + encodeURIComponent(item));
  }
  return url.slice(0, queryStart) + "?" + out.join("&");
}

/**
 * Every URL twilio-node would accept a signature over, in its order, without duplicates: the URL as
 * received without and with a port, then (only if those fail) the `new URL()` form and its legacy
 * querystring form, each without and with a port. Yields nothing more when the URL does not parse.
 */
export function* candidateUrls(url: string): Generator<string, void, undefined> {
  // The URL as received, without and with a port: split once, the hot path of every check.
  const parts = splitUrl(url);
  const without = parts ? parts.scheme + parts.userInfo + parts.host + parts.rest : url;
  const withPort = !parts || parts.port ? url : parts.scheme + parts.userInfo + parts.host + (parts.scheme.toLowerCase() === "https://" ? ":443" : ":80") + parts.rest;
  yield without;
  if (withPort !== without) yield withPort;
  const seen = new Set<string>([without, withPort]);
  let normalized: string;
  try {
    normalized = new URL(url).toString();
  } catch {
    return;
  }
  const normalizedWithout = removePort(normalized);
  const normalizedWith = addPort(normalized);
  for (const candidate of [normalizedWithout, normalizedWith, withLegacyQuerystring(normalizedWithout), withLegacyQuerystring(normalizedWith)]) {
    if (!seen.has(candidate)) {
      seen.add(candidate);
      yield candidate;
    }
  }
}
