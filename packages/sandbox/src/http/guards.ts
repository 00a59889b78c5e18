// What keeps a web page the developer visits away from the sandbox: a DNS-rebinding page reaches
// 127.0.0.1 under its own host name (refused by the Host check), and a cross-site HTML form can POST
// form-encoded bodies but can neither send JSON nor set a custom header without a CORS preflight the
// sandbox never grants (so state-changing control requests need one of the two).
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { SandboxHttpError } from "./errors.js";

/** The header that marks a non-JSON control request as coming from a script, not a cross-site form. */
export const CONTROL_HEADER = "x-sandbox-control";

/** Twilio's "Forbidden" code, used for refused hosts and control requests. */
const FORBIDDEN = 20403;

// `api.twilio.com` and friends: proxied clients route by Host, and nobody can rebind twilio.com
const TWILIO_HOST = /^(?:[a-z0-9-]+\.)+twilio\.com$/i;

/** Whether a listen address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || /^::ffff:127\./.test(bare);
  return false;
}

/**
 * Whether a `Host` header names this sandbox: an IP literal (cannot be rebound), `localhost` or a
 * `*.localhost` name, the listen host, or a `*.twilio.com` host (any port: proxies strip it).
 * A port, when present, must be the listening one.
 */
export function isAllowedHost(header: string | undefined, listen: { host: string; port: number }): boolean {
  if (!header) return false;
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(header.trim());
  if (!match) return false;
  const name = match[1]!.toLowerCase();
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (TWILIO_HOST.test(name)) return true;
  if (port !== undefined && port !== listen.port) return false;
  if (port === undefined && listen.port !== 80) return false;
  const bare = name.replace(/^\[|\]$/g, "");
  return isIP(bare) !== 0 || bare === "localhost" || bare.endsWith(".localhost") || bare === listen.host.replace(/^\[|\]$/g, "").toLowerCase();
}

/**
 * Refuses a request whose Host is not this sandbox (a DNS-rebinding page).
 * @throws SandboxHttpError 403 (20403)
 */
export function assertAllowedHost(req: IncomingMessage, listen: { host: string; port: number } | undefined): void {
  if (!listen || isAllowedHost(req.headers.host, listen)) return;
  throw new SandboxHttpError(403, FORBIDDEN, "Forbidden: the Host header does not name this sandbox (use 127.0.0.1, localhost or the address it listens on)");
}

/**
 * Refuses a state-changing control request that a cross-site HTML form could have sent: it must
 * carry a JSON body (`Content-Type: application/json`) or the `X-Sandbox-Control` header.
 * @throws SandboxHttpError 403 (20403)
 */
export function assertControlWrite(req: IncomingMessage): void {
  const method = (req.method ?? "GET").toUpperCase();
  if (method === "GET" || method === "HEAD") return;
  if (req.headers[CONTROL_HEADER] !== undefined) return;
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json") return;
  throw new SandboxHttpError(403, FORBIDDEN, "Forbidden: a control request that changes state needs a JSON body (Content-Type: application/json) or the header X-Sandbox-Control: 1");
}
