/// <reference types="node" />
// The Node transport: node:http/https with keep-alive agents. Chosen by the `node` export condition
// (see tsup.config.ts); never imported by the universal build.
import type http from "node:http";
import type https from "node:https";
import { TransportTimeoutError, type Transport } from "./transport.js";

type Client = { module: typeof http | typeof https; agent: http.Agent };
// node:http and node:https (which pulls in TLS) are loaded on the first request of their scheme, so
// importing the client costs nothing for them and a CLI run against the local sandbox never loads TLS.
let plain: Promise<Client> | undefined;
let secure: Promise<Client> | undefined;
function clientFor(isHttps: boolean): Promise<Client> {
  if (isHttps) return (secure ??= import("node:https").then(({ default: module }) => ({ module, agent: new module.Agent({ keepAlive: true }) })));
  return (plain ??= import("node:http").then(({ default: module }) => ({ module, agent: new module.Agent({ keepAlive: true }) })));
}

function toHeaders(raw: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/** Creates the node:http transport. */
export function createNodeTransport(): Transport {
  return async (request, timeoutMs) => {
    const url = new URL(request.url);
    const { module, agent } = await clientFor(url.protocol === "https:");
    // Aborted while the module loaded: open no socket at all.
    if (request.signal?.aborted) throw request.signal.reason;
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...request.headers };
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
      const req = module.request(
        url,
        { method: request.method, headers, agent },
        (res) => {
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
        },
      );
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
  };
}
