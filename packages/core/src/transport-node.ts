/// <reference types="node" />
// The Node transport: node:http/https with keep-alive agents. Chosen by the `node` export condition
// (see tsup.config.ts); never imported by the universal build. Proxies (the `proxy` option or
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY) are handled here: absolute-form requests to the proxy for http
// targets, CONNECT tunnels (proxy/tunnel-agent.ts) for https targets. Only the settings snapshot is
// imported statically: the proxy modules load on the first request of a client that has a proxy, so
// a bundle of a client without one carries none of them.
import type http from "node:http";
import type https from "node:https";
import type { Env } from "./auth/credentials.js";
import { parseProxyUrl, snapshotProxySettings } from "./proxy/proxy-settings.js";
import { TransportTimeoutError, type HttpRequest, type Transport } from "./transport.js";

type Client = { module: typeof http | typeof https; agent: http.Agent };
// node:http and node:https (which pulls in TLS) are loaded on the first request of their scheme, so
// importing the client costs nothing for them and a CLI run against the local sandbox never loads TLS.
let plain: Promise<Client> | undefined;
let secure: Promise<Client> | undefined;
function clientFor(isHttps: boolean): Promise<Client> {
  if (isHttps) return (secure ??= import("node:https").then(({ default: module }) => ({ module, agent: new module.Agent({ keepAlive: true }) })));
  return (plain ??= import("node:http").then(({ default: module }) => ({ module, agent: new module.Agent({ keepAlive: true }) })));
}

/** The proxy modules, loaded once per process by the first client that routes through a proxy. */
type ProxyKit = typeof import("./proxy/proxy-kit.js");
let proxyKit: Promise<ProxyKit> | undefined;
function loadProxyKit(): Promise<ProxyKit> {
  proxyKit ??= import("./proxy/proxy-kit.js").catch((error: unknown) => {
    // A failed load (a broken bundle) is reported by this request; the next one tries again.
    proxyKit = undefined;
    throw error;
  });
  return proxyKit;
}

/** Options of the Node transport. */
export interface NodeTransportOptions {
  /** Explicit proxy URL, `false` for none, undefined to read `env`. */
  proxy?: string | false | undefined;
  /** Where HTTPS_PROXY / HTTP_PROXY / NO_PROXY are read; none when absent. */
  env?: Env;
  /** Extra trusted CA certificates (PEM) for https targets and https proxies; replaces the default set, as in node:tls. */
  ca?: string | readonly string[];
}

/** How one request leaves the process: which module and agent, and the request options to add. */
interface Route {
  client: Client;
  options: http.RequestOptions & Record<string, unknown>;
  /** Set when the request goes through a proxy: builds the error for the proxy's 407. */
  refused?: (status: number, statusText: string, target: string) => Error;
}

function toHeaders(raw: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/**
 * Creates the node:http transport.
 * @throws TypeError when the explicit proxy is not an http(s) URL.
 */
export function createNodeTransport(options: NodeTransportOptions = {}): Transport {
  const settings = snapshotProxySettings(options.proxy, options.env ?? {});
  if (typeof options.proxy === "string") parseProxyUrl(options.proxy, "the proxy option");
  const tls = options.ca ? { ca: options.ca as string[] } : undefined;
  // Agents this transport owns: one per proxy and target scheme, and direct ones when `ca` is set.
  const own = new Map<string, Promise<Client>>();
  const ownClient = (key: string, build: () => Promise<Client>) => {
    let client = own.get(key);
    if (!client) own.set(key, (client = build()));
    return client;
  };

  async function routeFor(url: URL, timeoutMs: number): Promise<Route> {
    const isHttps = url.protocol === "https:";
    if (settings) {
      const kit = await loadProxyKit();
      const proxy = kit.proxyFor(url, settings);
      if (proxy) return proxyRouteFor(url, proxy, kit, timeoutMs);
    }
    if (!tls || !isHttps) return { client: await clientFor(isHttps), options: {} };
    const client = await ownClient("direct", () => import("node:https").then(({ default: module }) => ({ module, agent: new module.Agent({ keepAlive: true, ...tls }) })));
    return { client, options: {} };
  }

  /** Through `proxy`: a CONNECT tunnel for an https target, an absolute-form request for an http one. */
  async function proxyRouteFor(url: URL, proxy: URL, kit: ProxyKit, timeoutMs: number): Promise<Route> {
    const refused = (status: number, statusText: string, target: string) =>
      new kit.ProxyRefusedError(kit.redactedProxy(proxy), status, statusText, target);
    if (url.protocol === "https:") {
      const client = await ownClient(`tunnel ${proxy.href}`, async () => {
        const { default: module } = await import("node:https");
        return { module, agent: await kit.createTunnelAgent(proxy, tls) };
      });
      return { client, options: { [kit.TUNNEL_TIMEOUT_OPTION]: timeoutMs }, refused };
    }
    // An http target: the request goes to the proxy in absolute form (`GET http://host/path HTTP/1.1`).
    const isTlsProxy = proxy.protocol === "https:";
    const client = await ownClient(`forward ${proxy.href}`, () =>
      isTlsProxy
        ? import("node:https").then(({ default: module }) => ({ module, agent: new module.Agent({ keepAlive: true, ...tls }) }))
        : import("node:http").then(({ default: module }) => ({ module, agent: new module.Agent({ keepAlive: true }) })),
    );
    const auth = kit.proxyAuthorization(proxy);
    return {
      client,
      refused,
      options: {
        protocol: proxy.protocol,
        hostname: proxy.hostname.replace(/^\[|\]$/g, ""),
        port: proxy.port || (isTlsProxy ? 443 : 80),
        path: url.href,
        headers: { Host: url.host, ...(auth ? { "Proxy-Authorization": auth } : {}) },
      },
    };
  }

  return async (request, timeoutMs) => {
    const url = new URL(request.url);
    const route = await routeFor(url, timeoutMs);
    // Aborted while the module loaded: open no socket at all.
    if (request.signal?.aborted) throw request.signal.reason;
    return send(url, route, request, timeoutMs);
  };
}

/** One exchange over the chosen route, bounded by timeoutMs and the caller's signal. */
function send(url: URL, route: Route, request: HttpRequest, timeoutMs: number): ReturnType<Transport> {
  const { module, agent } = route.client;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...request.headers, ...(route.options.headers as Record<string, string>) };
    if (request.body !== undefined) headers["Content-Length"] = Buffer.byteLength(request.body);
    let settled = false;
    const finish = (error: unknown, response?: Parameters<typeof resolve>[0]) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve(response!);
    };
    const onResponse = (res: http.IncomingMessage) => {
      // A forwarding proxy refusing the request: not an answer from Twilio.
      if (res.statusCode === 407 && route.refused) {
        res.resume();
        return finish(route.refused(407, res.statusMessage ?? "", url.host));
      }
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", (error) => finish(error));
      res.on("end", () => {
        // Headers are built lazily: most successful calls never read them.
        let built: Headers | undefined;
        finish(undefined, {
          status: res.statusCode ?? 0,
          get headers() {
            return (built ??= toHeaders(res.headers));
          },
          text: Buffer.concat(chunks).toString("utf8"),
        });
      });
    };
    const requestOptions = { ...route.options, method: request.method, headers, agent };
    const req = route.options.path ? module.request(requestOptions, onResponse) : module.request(url, requestOptions, onResponse);
    const timer = setTimeout(() => {
      const error = new TransportTimeoutError(timeoutMs);
      finish(error);
      req.destroy(error);
    }, timeoutMs);
    const onAbort = () => {
      finish(request.signal!.reason);
      req.destroy();
    };
    // The listener goes first: destroying the request on abort emits an error that must be handled.
    req.on("error", (error) => finish(error));
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener("abort", onAbort, { once: true });
    req.end(request.body);
  });
}
