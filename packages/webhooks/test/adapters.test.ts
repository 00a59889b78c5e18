// Every adapter behind a real server on 127.0.0.1, driven with real HTTP requests.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeTwilioSignature, verifyTwilioRequest, twilioRejection, withTwilioSignature } from "../src/index.js";
import { withTwilioSignatureNode } from "../src/node.js";
import { twilioWebhook, type ExpressLikeRequest } from "../src/express.js";
import { formBodyParser, twilioPreParsingHook } from "../src/fastify.js";

const authToken = "adapter-test-token";
const form = { MessageSid: "SM" + "0".repeat(32), Body: "Hello + 'world' é😀", From: "+15005550006", To: "+15005550001" };
const json = '{"property": "value", "boolean": true}';
const jsonHash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";

type Start = () => Promise<{ base: string; close: () => Promise<void> }>;

function listen(server: Server): Promise<{ base: string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ base: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

const reply = (params: Record<string, unknown>) => `<Response><Message>${String(params.Body ?? "json")}</Message></Response>`;

const adapters: Record<string, (trustProxy: boolean) => Start> = {
  "node:http": (trustProxy) => () =>
    listen(
      createServer(
        withTwilioSignatureNode((_req, res, { params }) => {
          res.writeHead(200, { "content-type": "text/xml" }).end(reply(params));
        }, { authToken, trustProxy, exposeDetails: true }),
      ),
    ),
  express: (trustProxy) => () => {
    const app = express();
    app.post("/hooks/sms", twilioWebhook({ authToken, trustProxy, exposeDetails: true }), (req, res) => {
      res.type("text/xml").send(reply((req as unknown as ExpressLikeRequest).twilio!.params));
    });
    return listen(createServer(app));
  },
  fastify: (trustProxy) => async () => {
    const app = Fastify();
    app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, formBodyParser);
    app.addHook("preParsing", twilioPreParsingHook({ authToken, trustProxy, exposeDetails: true }));
    app.post("/hooks/sms", async (request, response) => {
      const params = (request as unknown as { twilio: { params: Record<string, unknown> } }).twilio.params;
      return response.type("text/xml").send(reply(params));
    });
    const base = await app.listen({ port: 0, host: "127.0.0.1" });
    return { base, close: () => app.close() };
  },
  "hono (fetch)": (trustProxy) => () => {
    const app = new Hono();
    app.post("/hooks/sms", async (c) => {
      const result = await verifyTwilioRequest(c.req.raw, { authToken, trustProxy, exposeDetails: true });
      if (!result.ok) return twilioRejection(result, { exposeDetails: true });
      return c.body(reply(result.params), 200, { "content-type": "text/xml" });
    });
    return new Promise((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
        resolve({ base: `http://127.0.0.1:${info.port}`, close: () => new Promise((done) => server.close(() => done())) });
      });
    });
  },
};

describe.each(Object.entries(adapters))("%s adapter", (_name, make) => {
  let direct: Awaited<ReturnType<Start>>;
  let proxied: Awaited<ReturnType<Start>>;
  beforeAll(async () => {
    direct = await make(false)();
    proxied = await make(true)();
  });
  afterAll(async () => {
    await direct.close();
    await proxied.close();
  });

  async function postForm(base: string, signedUrl: string, headers: Record<string, string> = {}, token = authToken) {
    const signature = await computeTwilioSignature(token, signedUrl, form);
    return fetch(`${base}/hooks/sms?x='1'`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature, ...headers },
      body: new URLSearchParams(form).toString(),
    });
  }

  it("answers a signed form webhook and hands over the params", async () => {
    const response = await postForm(direct.base, `${direct.base}/hooks/sms?x='1'`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(form.Body);
  });

  it("answers 400 when the signature header is missing", async () => {
    const response = await fetch(`${direct.base}/hooks/sms`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "Body=x" });
    expect(response.status).toBe(400);
  });

  it("answers 403 to a signature made with another token, naming the URL but not the token", async () => {
    const response = await postForm(direct.base, `${direct.base}/hooks/sms?x='1'`, {}, "wrong-token");
    expect(response.status).toBe(403);
    const text = await response.text();
    expect(text).toContain("/hooks/sms");
    expect(text).not.toContain(authToken);
  });

  it("verifies a JSON webhook against bodySHA256 over the raw body", async () => {
    const path = `/hooks/sms?bodySHA256=${jsonHash}`;
    const signature = await computeTwilioSignature(authToken, direct.base + path);
    const ok = await fetch(direct.base + path, { method: "POST", headers: { "content-type": "application/json", "x-twilio-signature": signature }, body: json });
    expect(ok.status).toBe(200);
    const altered = await fetch(direct.base + path, { method: "POST", headers: { "content-type": "application/json", "x-twilio-signature": signature }, body: json.replace("true", "false") });
    expect(altered.status).toBe(403);
    expect(await altered.text()).toContain("body_hash_mismatch");
  });

  it("rebuilds the public URL from forwarding headers only with trustProxy", async () => {
    const publicUrl = "https://public.example.com/hooks/sms?x='1'";
    const forwarded = { "x-forwarded-proto": "https", "x-forwarded-host": "public.example.com" };
    expect((await postForm(proxied.base, publicUrl, forwarded)).status).toBe(200);
    expect((await postForm(proxied.base, publicUrl, { forwarded: 'for=1.2.3.4;proto=https;host="public.example.com"' })).status).toBe(200);
    const untrusted = await postForm(direct.base, publicUrl, forwarded);
    expect(untrusted.status).toBe(403);
    expect(await untrusted.text()).toContain(direct.base);
  });
});

describe("withTwilioSignature", () => {
  it("runs the handler only for signed requests and leaves the body readable", async () => {
    const handler = withTwilioSignature(async (request) => new Response(await request.text()), { authToken, baseUrl: "https://app.example.com" });
    const signature = await computeTwilioSignature(authToken, "https://app.example.com/sms", { Body: "hi" });
    const signed = new Request("http://localhost:3000/sms", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature }, body: "Body=hi" });
    expect(await (await handler(signed)).text()).toBe("Body=hi");
    const unsigned = new Request("http://localhost:3000/sms", { method: "POST", body: "Body=hi" });
    expect((await handler(unsigned)).status).toBe(400);
  });

  it("uses publicUrl as given", async () => {
    const handler = withTwilioSignature(() => new Response("ok"), { authToken, publicUrl: "https://pub.example.com/voice" });
    const signature = await computeTwilioSignature(authToken, "https://pub.example.com/voice");
    expect((await handler(new Request("http://internal:8080/x", { headers: { "x-twilio-signature": signature } }))).status).toBe(200);
  });
});
