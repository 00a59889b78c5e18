// Each adapter behind a real server on 127.0.0.1, with the options under test, for the hostile-client
// and httpAuth suites. Framework error handlers record what reached them: an adapter must not turn a
// client's misbehaviour into an application error.
import { createServer, request as httpRequest, type Server } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { serve } from "@hono/node-server";
import * as webBuild from "../src/index.js";
import * as nodeBuild from "../src/index-node.js";
import { withTwilioSignatureNode } from "../src/node.js";
import { twilioWebhook, type ExpressLikeRequest } from "../src/express.js";
import { formBodyParser, twilioPreParsingHook } from "../src/fastify.js";
import type { TwilioWebhookOptions } from "../src/handle.js";

export interface Started {
  base: string;
  /** Errors the framework's error handler saw (Express `next(err)`, Fastify, Hono `onError`). */
  errors: unknown[];
  close(): Promise<void>;
}

const reply = (params: Record<string, unknown>) => `<Response><Message>${String(params.Body ?? "")}</Message></Response>`;

function listen(server: Server, errors: unknown[]): Promise<Started> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        base: `http://127.0.0.1:${port}`,
        errors,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

function fetchAdapter(build: typeof webBuild, options: TwilioWebhookOptions): Promise<Started> {
  const errors: unknown[] = [];
  const app = new Hono();
  const handler = build.withTwilioSignature((_request, { params }) => new Response(reply(params), { headers: { "content-type": "text/xml" } }), options);
  app.post("/hooks/sms", (c) => handler(c.req.raw));
  app.onError((error, c) => {
    errors.push(error);
    return c.text("error", 500);
  });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
      resolve({
        base: `http://127.0.0.1:${info.port}`,
        errors,
        close: () => new Promise((done) => {
          (server as Server).closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

/** Every adapter, by name: each answers POST /hooks/sms with the message body in TwiML. */
export const adapters: Record<string, (options: TwilioWebhookOptions) => Promise<Started>> = {
  "node:http": (options) =>
    listen(
      createServer(
        withTwilioSignatureNode((_req, res, { params }) => {
          res.writeHead(200, { "content-type": "text/xml" }).end(reply(params));
        }, options),
      ),
      [],
    ),
  express: (options) => {
    const errors: unknown[] = [];
    const app = express();
    app.post("/hooks/sms", twilioWebhook(options), (req, res) => {
      res.type("text/xml").send(reply((req as unknown as ExpressLikeRequest).twilio!.params));
    });
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      errors.push(error);
      res.status(500).end();
    });
    return listen(createServer(app), errors);
  },
  fastify: async (options) => {
    const errors: unknown[] = [];
    const app = Fastify();
    app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, formBodyParser);
    app.addHook("preParsing", twilioPreParsingHook(options));
    app.setErrorHandler((error, _request, response) => {
      errors.push(error);
      return response.code(500).send("error");
    });
    app.post("/hooks/sms", async (request, response) => {
      const params = (request as unknown as { twilio: { params: Record<string, unknown> } }).twilio.params;
      return response.type("text/xml").send(reply(params));
    });
    const base = await app.listen({ port: 0, host: "127.0.0.1" });
    return { base, errors, close: () => app.close() };
  },
  "fetch (Web Crypto build)": (options) => fetchAdapter(webBuild, options),
  "fetch (node build)": (options) => fetchAdapter(nodeBuild as typeof webBuild, options),
};

/** Send headers and part of a body, then disconnect: a client that goes away mid-upload. */
export async function abortMidBody(base: string, headers: Record<string, string> = {}): Promise<void> {
  const { port } = new URL(base);
  const socket = connect(Number(port), "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  const head = Object.entries({ host: `127.0.0.1:${port}`, "content-type": "application/x-www-form-urlencoded", "content-length": "100000", ...headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  socket.write(`POST /hooks/sms HTTP/1.1\r\n${head}\r\n` + "Body=" + "x".repeat(2000));
  // Long enough for the server to start reading the body before the client goes.
  await new Promise((resolve) => setTimeout(resolve, 25));
  socket.destroy();
}

/** What happened to a large upload: answered (with a status) or the connection closed, and how much was sent. */
export interface UploadOutcome {
  status?: number;
  how: "response" | "closed" | "timeout";
  sentBytes: number;
}

/** Upload `bytes` of body in 64 KiB chunks without holding them in memory; stops when answered or closed. */
export function upload(base: string, bytes: number, headers: Record<string, string>, timeoutMs = 20_000): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    let sentBytes = 0;
    let settled = false;
    const chunk = Buffer.alloc(64 * 1024, "a");
    const request = httpRequest(new URL("/hooks/sms", base), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });
    const finish = (how: UploadOutcome["how"], status?: number): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve({ how, status, sentBytes });
    };
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    request.on("response", (response) => {
      response.resume();
      finish("response", response.statusCode);
    });
    request.on("error", () => finish("closed"));
    const pump = (): void => {
      while (!settled && sentBytes < bytes) {
        sentBytes += chunk.length;
        if (!request.write(chunk)) {
          request.once("drain", pump);
          return;
        }
      }
      if (!settled) request.end();
    };
    pump();
  });
}

/** Run `work` while sampling heap plus array buffers every 5 ms; resolves with its result and the peak growth in bytes. */
export async function peakMemoryGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growthBytes: number }> {
  const used = () => {
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  };
  const baseline = used();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, used())), 5);
  try {
    const result = await work();
    peak = Math.max(peak, used());
    return { result, growthBytes: peak - baseline };
  } finally {
    clearInterval(sampler);
  }
}
