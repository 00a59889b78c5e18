// Which proxy a request goes through, from the `proxy` option or the environment, read as curl reads it
// (https://curl.se/docs/manpage.html#ENVIRONMENT): lowercase before uppercase, `ALL_PROXY` as the
// fallback, `NO_PROXY` for exceptions. Two additions: twilio-node sends its https requests through
// `HTTP_PROXY`, so an https target falls back to `http_proxy` / `HTTP_PROXY` to keep such setups
// working; and uppercase `HTTP_PROXY` is ignored for http targets under CGI (`REQUEST_METHOD` set),
// where a client's `Proxy:` header would set it (httpoxy, https://httpoxy.org), as curl and Go do.
import type { Env } from "../auth/credentials.js";
import { parseProxyUrl, type ProxySettings } from "./proxy-settings.js";

function firstSet(env: Env, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** The proxy for `target`, or undefined to connect directly. */
export function proxyFor(target: URL, settings: ProxySettings): URL | undefined {
  if (settings.proxy === false) return undefined;
  const { env } = settings;
  let value: string | undefined;
  let source = "the proxy option";
  if (settings.proxy !== undefined) {
    value = settings.proxy;
  } else if (target.protocol === "https:") {
    value = firstSet(env, ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "http_proxy", "HTTP_PROXY"]);
    source = "HTTPS_PROXY (or HTTP_PROXY / ALL_PROXY)";
  } else {
    const isCgi = Boolean(env.REQUEST_METHOD);
    value = firstSet(env, isCgi ? ["http_proxy", "all_proxy", "ALL_PROXY"] : ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]);
    source = "HTTP_PROXY (or ALL_PROXY)";
  }
  if (!value) return undefined;
  const noProxy = firstSet(env, ["no_proxy", "NO_PROXY"]);
  if (noProxy && matchesNoProxy(target, noProxy)) return undefined;
  return parseProxyUrl(value, source);
}

/** The port a URL connects to, default ports included. */
export function effectivePort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/** Four bytes of a dotted IPv4 address, or undefined. */
function ipv4Bytes(host: string): number[] | undefined {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return undefined;
  return parts.map(Number);
}

/** Sixteen bytes of an IPv6 address (`::` and a trailing dotted IPv4 allowed), or undefined. */
function ipv6Bytes(host: string): number[] | undefined {
  if (!host.includes(":")) return undefined;
  let text = host;
  const lastColon = text.lastIndexOf(":");
  const v4 = ipv4Bytes(text.slice(lastColon + 1));
  // `::ffff:1.2.3.4` → `::ffff:102:304`
  if (v4) text = `${text.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  return groups.flatMap((group) => [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]);
}

function ipBytes(host: string): number[] | undefined {
  return ipv4Bytes(host) ?? ipv6Bytes(host);
}

function prefixMatches(address: number[], network: number[], bits: number): boolean {
  if (address.length !== network.length || bits > address.length * 8) return false;
  for (let bit = 0; bit < bits; bit++) {
    const mask = 0x80 >> bit % 8;
    if ((address[bit >> 3]! & mask) !== (network[bit >> 3]! & mask)) return false;
  }
  return true;
}

/** One NO_PROXY entry: `*`, a host name (`.example.com` and `*.example.com` cover subdomains), an IP or a CIDR, each with an optional `:port`. */
function entryMatches(entry: string, host: string, port: number): boolean {
  if (entry === "*") return true;
  let name = entry.toLowerCase();
  let entryPort: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(name);
  if (bracketed) {
    name = bracketed[1]!;
    entryPort = bracketed[2] ? Number(bracketed[2]) : undefined;
  } else {
    const portMatch = /^([^:]+):(\d+)$/.exec(name);
    if (portMatch) [name, entryPort] = [portMatch[1]!, Number(portMatch[2])];
  }
  if (entryPort !== undefined && entryPort !== port) return false;
  const [network, bitsText] = name.split("/");
  const networkBytes = ipBytes(network!);
  if (networkBytes) {
    const address = ipBytes(host);
    if (!address) return false;
    const bits = bitsText === undefined ? networkBytes.length * 8 : Number(bitsText);
    return Number.isInteger(bits) && bits >= 0 && prefixMatches(address, networkBytes, bits);
  }
  const domain = name.replace(/^\*?\./, "").replace(/\.$/, "");
  return domain !== "" && (host === domain || host.endsWith(`.${domain}`));
}

/** True when `target` is exempt from proxying by a NO_PROXY list (comma or space separated). */
export function matchesNoProxy(target: URL, noProxy: string): boolean {
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  const port = effectivePort(target);
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => entryMatches(entry, host, port));
}

/** The proxy URL without its userinfo: safe for errors and logs. */
export function redactedProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

/** `Basic …` from the proxy URL's percent-encoded userinfo, or undefined when it has none. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username && !proxy.password) return undefined;
  const pair = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  let binary = "";
  for (const byte of new TextEncoder().encode(pair)) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}
