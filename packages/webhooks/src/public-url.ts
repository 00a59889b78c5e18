// The signature covers the public URL Twilio called. Behind ngrok or a TLS-terminating proxy the
// app sees another scheme/host, which is the most common cause of "invalid signature" in the wild.

/** How to find the public URL of a request. */
export interface PublicUrlOptions {
  /** The exact public URL (query included), or a function of the request path+query returning it. Wins over everything. */
  publicUrl?: string | ((pathAndQuery: string) => string);
  /** The public origin, optionally with a path prefix (`https://abc.ngrok.app`); the request path and query are appended. */
  baseUrl?: string;
  /** Rebuild scheme and host from `Forwarded` / `X-Forwarded-Proto` / `X-Forwarded-Host`. Only behind a proxy you control. */
  trustProxy?: boolean;
}

/** What an adapter knows about the request it received. */
export interface ReceivedRequest {
  /** Scheme as seen by the server, without `:` (`http` behind a TLS proxy). */
  protocol: string;
  /** The `Host` header (or authority) as received. */
  host: string;
  /** Path and query exactly as received (`/sms?x=1`). */
  pathAndQuery: string;
  /** Reads a request header (case-insensitive); first value for repeated headers. */
  header(name: string): string | undefined;
}

function firstListItem(value: string | undefined): string | undefined {
  const first = value?.split(",")[0]?.trim();
  return first ? first : undefined;
}

// RFC 7239: `Forwarded: for=1.2.3.4;proto=https;host=example.com, for=...` -> the first (client-facing) hop.
function parseForwarded(value: string | undefined): { proto?: string; host?: string } {
  const first = value?.split(",")[0];
  if (!first) return {};
  const out: { proto?: string; host?: string } = {};
  for (const pair of first.split(";")) {
    const eq = pair.indexOf("=");
    if (eq === -1) continue;
    const name = pair.slice(0, eq).trim().toLowerCase();
    const raw = pair.slice(eq + 1).trim();
    const value = raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw;
    if (name === "proto" || name === "host") out[name] = value;
  }
  return out;
}

/** The URL to verify the signature against, from the options and what the server received. */
export function resolvePublicUrl(request: ReceivedRequest, options: PublicUrlOptions): string {
  const { publicUrl, baseUrl, trustProxy } = options;
  if (typeof publicUrl === "function") return publicUrl(request.pathAndQuery);
  if (typeof publicUrl === "string") return publicUrl;
  if (baseUrl) return baseUrl.replace(/\/+$/, "") + request.pathAndQuery;
  let protocol = request.protocol;
  let host = request.host;
  if (trustProxy) {
    const forwarded = parseForwarded(request.header("forwarded"));
    protocol = forwarded.proto ?? firstListItem(request.header("x-forwarded-proto")) ?? protocol;
    host = forwarded.host ?? firstListItem(request.header("x-forwarded-host")) ?? host;
  }
  return `${protocol}://${host}${request.pathAndQuery}`;
}
