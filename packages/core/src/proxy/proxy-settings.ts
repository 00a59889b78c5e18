// The part of proxy support every Node client runs at creation: copying the proxy variables once and
// checking an explicit proxy URL. It stays small because it is always bundled; choosing a proxy per
// request, NO_PROXY matching and CONNECT tunnels (proxy-env.ts, tunnel-agent.ts) load only when a
// proxy is configured.
import type { Env } from "../auth/credentials.js";

/** How the Node transport chooses proxies. */
export interface ProxySettings {
  /** An explicit proxy URL, `false` for none, or undefined to read the environment. */
  proxy?: string | false | undefined;
  env: Env;
}

/**
 * Parses a proxy URL; a bare `host:port` means `http://host:port`, as in curl.
 * @throws TypeError when it is not an http(s) URL.
 */
export function parseProxyUrl(value: string, source: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TypeError(`[@twilio-kit/core] ${source} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`[@twilio-kit/core] ${source} must be an http:// or https:// proxy, got ${url.protocol}// (SOCKS is not supported)`);
  }
  return url;
}

/** Every variable `proxyFor` reads. */
const PROXY_VARIABLES = ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY", "REQUEST_METHOD"];

/**
 * The proxy variables of `env`, copied once: `process.env` reads are slow, and a client keeps the
 * proxies it was created with (as twilio-node does). Undefined when no proxy is configured at all.
 */
export function snapshotProxySettings(proxy: string | false | undefined, env: Env): ProxySettings | undefined {
  if (proxy === false) return undefined;
  const copy: Env = {};
  for (const name of PROXY_VARIABLES) if (env[name]) copy[name] = env[name];
  const hasProxy = proxy !== undefined || PROXY_VARIABLES.slice(0, 6).some((name) => copy[name]?.trim());
  return hasProxy ? { proxy, env: copy } : undefined;
}
