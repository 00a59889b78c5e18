// @twilio-kit/core on the runtimes it promises: Bun, Deno and Cloudflare's workerd, each sending a
// message to a recording server on 127.0.0.1. The runtimes come from npm packages (bun, deno, workerd).
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const here = new URL("..", import.meta.url).pathname;
const bin = (name: string) => join(here, "node_modules/.bin", name);
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
    const file = join(here, ".runtime-bun.mjs");
    writeFileSync(file, sendScript("@twilio-kit/core").replace("BASE", baseUrl).replace("RUNTIME", '"bun"'));
    try {
      const { stdout } = await run(bin("bun"), ["run", file], { cwd: here });
      expectSent(stdout, "bun");
    } finally {
      rmSync(file, { force: true });
    }
  });

  it("sends a message from Deno with only network permission", async () => {
    const file = join(here, ".runtime-deno.mjs");
    writeFileSync(file, sendScript("@twilio-kit/core").replace("BASE", baseUrl).replace("RUNTIME", '"deno"'));
    try {
      const { stdout } = await run(bin("deno"), ["run", "--allow-net=127.0.0.1", "--allow-read", "--no-prompt", file], {
        cwd: here,
        env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      });
      expectSent(stdout, "deno");
    } finally {
      rmSync(file, { force: true });
    }
  });

  it("sends a message from a Cloudflare Worker in workerd, bundled for workers", async () => {
    const require = createRequire(import.meta.url);
    const esbuild = require("esbuild") as typeof import("esbuild");
    const dir = mkdtempSync(join(tmpdir(), "twilio-kit-workerd-"));
    try {
      writeFileSync(
        join(dir, "entry.mjs"),
        `import { createTwilio } from "@twilio-kit/core/api-v2010";
export default {
  async fetch(request, env) {
    const twilio = createTwilio({ accountSid: env.ACCOUNT_SID, authToken: env.AUTH_TOKEN, baseUrl: env.BASE_URL });
    const message = await twilio.messages.create({ To: "+15558675310", From: "+15017122661", Body: "from workerd" });
    return Response.json(message);
  },
};`,
      );
      // The conditions wrangler uses: no `node`, so the fetch build is bundled.
      await esbuild.build({
        entryPoints: [join(dir, "entry.mjs")],
        outfile: join(dir, "worker.js"),
        bundle: true,
        format: "esm",
        platform: "neutral",
        conditions: ["workerd", "worker", "browser"],
        mainFields: ["module", "main"],
        nodePaths: [join(here, "node_modules")],
        logLevel: "silent",
      });
      const port = await freePort();
      writeFileSync(
        join(dir, "config.capnp"),
        `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2024-09-23",
  globalOutbound = "net",
  bindings = [
    (name = "ACCOUNT_SID", text = "${accountSid}"),
    (name = "AUTH_TOKEN", text = "runtime-token"),
    (name = "BASE_URL", text = "${baseUrl}"),
  ],
);
`,
      );
      const workerd = spawn(bin("workerd"), ["serve", join(dir, "config.capnp")], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      workerd.stderr.on("data", (chunk) => (stderr += chunk));
      try {
        const response = await retryFetch(`http://127.0.0.1:${port}/`);
        expect(response.status, stderr).toBe(200);
        expectSent(JSON.stringify(await response.json()), "workerd");
      } finally {
        workerd.kill();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** workerd needs a moment to bind; try for up to ~20 s. */
async function retryFetch(url: string): Promise<Response> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 80; attempt++) {
    try {
      return await fetch(url);
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw lastError;
}
