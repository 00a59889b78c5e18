/// <reference types="node" />
// CONNECT tunnels for https targets behind a proxy (RFC 9110 §9.3.6): an https.Agent whose sockets are
// TLS sessions with the target, opened inside a CONNECT tunnel through the proxy. Being an Agent, it
// keeps tunnels alive and reuses them like direct connections. Node only; loaded on first use.
import type http from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import type { Duplex } from "node:stream";
import type { Socket } from "node:net";
import type { ConnectionOptions } from "node:tls";
import { TransportTimeoutError } from "../transport.js";
import { ProxyRefusedError } from "./proxy-error.js";
import { proxyAuthorization, redactedProxy, effectivePort } from "./proxy-env.js";

/** Largest CONNECT answer head accepted before giving up on the proxy. */
const MAX_HEAD_BYTES = 16 * 1024;

/** Request option the transport sets so the tunnel's setup shares the attempt's time budget. */
export const TUNNEL_TIMEOUT_OPTION = "twilioKitTunnelTimeoutMs";

type Connector = (isTls: boolean, options: { host: string; port: number; servername?: string } & ConnectionOptions) => Socket;

/** `host:port` as CONNECT wants it, IPv6 in brackets. */
function authority(host: string, port: number): string {
  return `${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${port}`;
}

/**
 * Opens a tunnel to host:port through the proxy; resolves with the raw socket once the proxy said 2xx.
 * @throws ProxyRefusedError when the proxy answers otherwise; TransportTimeoutError after timeoutMs.
 */
function openTunnel(connect: Connector, proxy: URL, host: string, port: number, timeoutMs: number, tls: ConnectionOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const isTlsProxy = proxy.protocol === "https:";
    const proxyHost = proxy.hostname.replace(/^\[|\]$/g, "");
    // SNI takes host names only (RFC 6066 §3): none for a proxy addressed by IP.
    const servername = isTlsProxy && !/^[\d.]+$|:/.test(proxyHost) ? proxyHost : undefined;
    const socket = connect(isTlsProxy, { ...(isTlsProxy ? tls : {}), host: proxyHost, port: effectivePort(proxy), servername });
    const target = authority(host, port);
    const chunks: Buffer[] = [];
    let received = 0;
    const fail = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      const head = Buffer.concat(chunks).toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) {
        if (received > MAX_HEAD_BYTES) fail(new Error(`proxy ${redactedProxy(proxy)} sent an oversized answer to CONNECT`));
        return;
      }
      const status = /^HTTP\/1\.[01] (\d{3}) ?([^\r\n]*)/.exec(head);
      if (!status) return fail(new Error(`proxy ${redactedProxy(proxy)} answered CONNECT with something other than HTTP`));
      if (!status[1]!.startsWith("2")) return fail(new ProxyRefusedError(redactedProxy(proxy), Number(status[1]), status[2]!, target));
      cleanup();
      // Stop reading: the TLS layer takes the socket over and must see every byte after the head.
      socket.pause();
      resolve(socket);
    };
    const onError = (error: Error) => fail(new Error(`proxy ${redactedProxy(proxy)}: ${error.message}`, { cause: error }));
    const onClose = () => fail(new Error(`proxy ${redactedProxy(proxy)} closed the connection during CONNECT ${target}`));
    const timer = setTimeout(() => fail(new TransportTimeoutError(timeoutMs)), timeoutMs);
    function cleanup() {
      clearTimeout(timer);
      socket.off("data", onData).off("error", onError).off("close", onClose);
    }
    socket.on("data", onData).on("error", onError).on("close", onClose);
    const auth = proxyAuthorization(proxy);
    socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth ? `Proxy-Authorization: ${auth}\r\n` : ""}\r\n`);
  });
}

/**
 * Creates a keep-alive https.Agent that reaches every target through a CONNECT tunnel via `proxy`.
 * `tls` (e.g. `ca`) applies to the target and to an https proxy.
 */
export async function createTunnelAgent(proxy: URL, tls: ConnectionOptions = {}): Promise<HttpsAgent> {
  const [{ default: https }, { default: net }, tlsModule] = await Promise.all([import("node:https"), import("node:net"), import("node:tls")]);
  const connectProxy: Connector = (isTls, options) => (isTls ? tlsModule.connect(options) : net.connect(options));

  class TunnelAgent extends https.Agent {
    // Node's Agent accepts an asynchronous createConnection: return nothing and call back with the socket.
    override createConnection(
      requestOptions: http.RequestOptions,
      callback?: (error: Error | null, socket: Duplex) => void,
    ): undefined {
      const options = requestOptions as ConnectionOptions & Record<string, unknown>;
      const host = String(options.host);
      const port = Number(options.port);
      const timeoutMs = Number(options[TUNNEL_TIMEOUT_OPTION] ?? 30_000);
      openTunnel(connectProxy, proxy, host, port, timeoutMs, tls).then(
        (socket) => callback?.(null, tlsModule.connect({ ...options, ...tls, socket })),
        (error: Error) => callback?.(error, undefined as unknown as Duplex),
      );
      return undefined;
    }
  }
  return new TunnelAgent({ keepAlive: true, ...tls });
}
