// Shared test helpers: a real local HTTP receiver for webhooks and a tiny REST caller.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyTwilioSignature } from "@twilio-kit/webhooks";

/** One request a receiver got. */
export interface Received {
  method: string;
  path: string;
  url: string;
  headers: IncomingMessage["headers"];
  params: Record<string, string>;
  body: string;
}

type Reply = { status?: number; type?: string; body?: string; delayMs?: number };

/** A webhook receiver on 127.0.0.1; `reply` decides each answer (default: empty TwiML). */
export async function startReceiver(reply: (request: Received) => Reply | Promise<Reply> = () => ({})) {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const full = `http://${req.headers.host}${req.url}`;
      const url = new URL(full);
      const params = Object.fromEntries(req.method === "GET" ? url.searchParams : new URLSearchParams(body));
      const request: Received = { method: req.method!, path: url.pathname, url: full, headers: req.headers, params, body };
      received.push(request);
      const answer = await reply(request);
      if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      if (res.destroyed) return;
      res.writeHead(answer.status ?? 200, { "Content-Type": answer.type ?? "text/xml" });
      res.end(answer.body ?? "<Response/>");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Whether a received webhook carries a valid X-Twilio-Signature for the token. */
export async function isSigned(request: Received, authToken: string, signedUrl = request.url): Promise<boolean> {
  const signature = String(request.headers["x-twilio-signature"] ?? "");
  const result = await verifyTwilioSignature({
    authToken,
    signature,
    url: signedUrl,
    params: request.method === "GET" ? {} : request.params,
  });
  return result.ok;
}

/** A raw REST call against the sandbox with Basic auth. */
export async function api(
  base: string,
  method: string,
  path: string,
  options: { user: string; password: string; form?: Record<string, string | string[]>; headers?: Record<string, string> },
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {
    Authorization: `Basic ${Buffer.from(`${options.user}:${options.password}`).toString("base64")}`,
    ...options.headers,
  };
  let body: string | undefined;
  if (options.form) {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(options.form)) for (const item of Array.isArray(value) ? value : [value]) search.append(name, item);
    body = search.toString();
    headers["Content-Type"] = "application/x-www-form-urlencoded";
  }
  const response = await fetch(base + path, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** `api()` bound to a sandbox's own account and credentials: `raw("GET", "/Queues.json")`. */
export function accountApi(sandbox: { url: string; accountSid: string; authToken: string }) {
  return (method: string, path: string, form?: Record<string, string>) =>
    api(sandbox.url, method, `/api/2010-04-01/Accounts/${sandbox.accountSid}${path}`, { user: sandbox.accountSid, password: sandbox.authToken, form });
}

/** Polls in real time until `check` holds: WebSocket peers run beside the virtual clock, not on it. */
export async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A JSON call to the control API. */
export async function control(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}/_sandbox${path}`, {
    method,
    // a bodiless POST (reset, hangup) marks itself as a script's request; JSON bodies need nothing more
    headers: body === undefined ? (method === "GET" ? {} : { "X-Sandbox-Control": "1" }) : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
