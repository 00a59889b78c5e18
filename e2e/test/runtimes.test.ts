// @twilio-kit/core on the runtimes it promises: Bun, Deno and Cloudflare's workerd, each sending a
// message to a recording server on 127.0.0.1. The runtimes come from npm packages (bun, deno, workerd).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchFromWorkerd, runWithBun, runWithDeno } from "./runtime/launch.js";

const accountSid = `AC${"1".repeat(32)}`;

let server: Server;
let baseUrl: string;
const seen: { url: string; body: string; authorization: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ url: req.url ?? "", body, authorization: req.headers.authorization ?? "" });
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ sid: "SM1", status: "queued", body: new URLSearchParams(body).get("Body") }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const sendScript = (specifier: string) => `import { createTwilio } from "${specifier}";
const twilio = createTwilio({ accountSid: "${accountSid}", authToken: "runtime-token", baseUrl: "BASE" });
const message = await twilio.messages.create({ To: "+15558675310", From: "+15017122661", Body: "from " + RUNTIME });
console.log(JSON.stringify(message));`;

function expectSent(stdout: string, runtime: string) {
  expect(JSON.parse(stdout.trim().split("\n").pop()!)).toEqual({ sid: "SM1", status: "queued", body: `from ${runtime}` });
  const request = seen.at(-1)!;
  expect(request.url).toBe(`/api/2010-04-01/Accounts/${accountSid}/Messages.json`);
  expect(request.authorization).toBe(`Basic ${Buffer.from(`${accountSid}:runtime-token`).toString("base64")}`);
}

describe("@twilio-kit/core on other runtimes", () => {
  it("sends a message from Bun", async () => {
    const stdout = await runWithBun("runtime-bun", sendScript("@twilio-kit/core").replace("BASE", baseUrl).replace("RUNTIME", '"bun"'));
    expectSent(stdout, "bun");
  });

  it("sends a message from Deno with only network permission", async () => {
    const source = sendScript("@twilio-kit/core").replace("BASE", baseUrl).replace("RUNTIME", '"deno"');
    const stdout = await runWithDeno("runtime-deno", source, ["--allow-net=127.0.0.1", "--allow-read"]);
    expectSent(stdout, "deno");
  });

  it("sends a message from a Cloudflare Worker in workerd, bundled for workers", async () => {
    const { status, text, stderr } = await fetchFromWorkerd({
      name: "twilio-kit-workerd",
      entry: `import { createTwilio } from "@twilio-kit/core/api-v2010";
export default {
  async fetch(request, env) {
    const twilio = createTwilio({ accountSid: env.ACCOUNT_SID, authToken: env.AUTH_TOKEN, baseUrl: env.BASE_URL });
    const message = await twilio.messages.create({ To: "+15558675310", From: "+15017122661", Body: "from workerd" });
    return Response.json(message);
  },
};`,
      bindings: { ACCOUNT_SID: accountSid, AUTH_TOKEN: "runtime-token", BASE_URL: baseUrl },
      hasNetwork: true,
    });
    expect(status, stderr).toBe(200);
    expectSent(text, "workerd");
  });
});
