import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
export const AUTH_TOKEN = "tok_secret_0123456789abcdef0123";

/** A request as a fake fetch or a local server saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

type Reply = { status?: number; body?: unknown; headers?: Record<string, string> } | Error;

/** A fetch that records requests and answers from a script (the last answer repeats). */
export function scriptedFetch(...replies: Reply[]) {
  const seen: SeenRequest[] = [];
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
    seen.push({ method: init?.method ?? "GET", url: String(input), headers, body: String(init?.body ?? "") });
    const reply = replies[Math.min(seen.length - 1, replies.length - 1)] ?? { status: 200, body: {} };
    if (reply instanceof Error) throw reply;
    const text = reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    return new Response(reply.status === 204 ? null : text, {
      status: reply.status ?? 200,
      headers: { "content-type": "application/json", ...reply.headers },
    });
  };
  return { fetch: fetchImpl as typeof fetch, seen };
}

/** Decodes a form body into [name, value] pairs in order. */
export function formPairs(body: string): [string, string][] {
  return [...new URLSearchParams(body)];
}

/** A real local HTTP server that records requests and answers with `handler`. */
export async function startServer(
  handler: (request: SeenRequest) => { status?: number; body?: unknown; headers?: Record<string, string> },
): Promise<{ url: string; seen: SeenRequest[]; server: Server; close: () => Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(req.headers)) headers[key] = Array.isArray(value) ? value.join(", ") : (value ?? "");
      const request = { method: req.method ?? "GET", url: req.url ?? "/", headers, body: Buffer.concat(chunks).toString("utf8") };
      seen.push(request);
      const reply = handler(request);
      const text = reply.body === undefined ? "" : JSON.stringify(reply.body);
      res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
      res.end(reply.status === 204 ? undefined : text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
