// @twilio-kit/tokens on the runtimes it promises: Bun, Deno and Cloudflare's workerd mint an Access
// Token, a Client and a TaskRouter capability token at a pinned clock, and verify one. Each must equal
// twilio-node's token for the same inputs and clock, computed here in Node. Same mechanics as
// runtimes.test.ts (the runtimes come from the bun, deno and workerd npm packages).
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it, vi } from "vitest";

const run = promisify(execFile);
const here = new URL("..", import.meta.url).pathname;
const bin = (name: string) => join(here, "node_modules/.bin", name);

const NOW_MS = 1_767_225_600_500; // 2026-01-01T00:00:00.5Z: the half second must be floored
const accountSid = `AC${"1".repeat(32)}`;
const apiKey = `SK${"2".repeat(32)}`;
const apiSecret = "runtime-secret-ü";
const authToken = "runtime-auth-token";
const workspaceSid = `WS${"3".repeat(32)}`;
const workerSid = `WK${"4".repeat(32)}`;

// The script each runtime runs; `report()` prints or returns the JSON.
const body = `
Date.now = () => ${NOW_MS};
const access = await createAccessToken({
  accountSid: "${accountSid}", apiKey: "${apiKey}", apiSecret: "${apiSecret}", identity: "Zoë 😀", region: "ie1", algorithm: "HS512", ttl: 600,
  grants: { voice: { incomingAllow: true, outgoingApplicationSid: "AP1", outgoingApplicationParams: { To: "+15558675310" } }, video: { room: "daily" }, chat: { serviceSid: "IS1" } },
});
const client = await createClientCapabilityToken({ accountSid: "${accountSid}", authToken: "${authToken}", scopes: [
  { kind: "incoming", clientName: "alice" }, { kind: "outgoing", applicationSid: "AP1", params: { a: "b c" } } ] });
const taskrouter = await createTaskRouterCapabilityToken({ accountSid: "${accountSid}", authToken: "${authToken}", workspaceSid: "${workspaceSid}",
  channelId: "${workerSid}", policies: defaultWorkerPolicies("v1", "${workspaceSid}", "${workerSid}") });
const good = await verifyAccessToken(access, { apiSecret: "${apiSecret}", nowSec: ${Math.floor(NOW_MS / 1000)} });
const forged = await verifyAccessToken(access, { apiSecret: "another", nowSec: ${Math.floor(NOW_MS / 1000)} });
const result = { access, client, taskrouter, verified: good.ok, forged: forged.ok ? "accepted" : forged.reason };`;
const imports = `import { createAccessToken, createClientCapabilityToken, createTaskRouterCapabilityToken, defaultWorkerPolicies, verifyAccessToken } from "@twilio-kit/tokens";`;

type Expected = { access: string; client: string; taskrouter: string; verified: boolean; forged: string };
let expected: Expected;

beforeAll(() => {
  // twilio-node is a test dependency of @twilio-kit/tokens: borrow it from there.
  const require = createRequire(createRequire(import.meta.url).resolve("@twilio-kit/tokens/package.json"));
  const twilio = {
    AccessToken: require("twilio/lib/jwt/AccessToken"),
    ClientCapability: require("twilio/lib/jwt/ClientCapability"),
    TaskRouterCapability: require("twilio/lib/jwt/taskrouter/TaskRouterCapability"),
    util: require("twilio/lib/jwt/taskrouter/util"),
  };
  vi.useFakeTimers({ toFake: ["Date"], now: NOW_MS });
  try {
    const { AccessToken } = twilio;
    const access = new AccessToken(accountSid, apiKey, apiSecret, { identity: "Zoë 😀", region: "ie1", ttl: 600 });
    access.addGrant(new AccessToken.VoiceGrant({ incomingAllow: true, outgoingApplicationSid: "AP1", outgoingApplicationParams: { To: "+15558675310" } }));
    access.addGrant(new AccessToken.VideoGrant({ room: "daily" }));
    access.addGrant(new AccessToken.ChatGrant({ serviceSid: "IS1" }));
    const client = new twilio.ClientCapability.default({ accountSid, authToken });
    client.addScope(new twilio.ClientCapability.IncomingClientScope("alice"));
    client.addScope(new twilio.ClientCapability.OutgoingClientScope({ applicationSid: "AP1", params: { a: "b c" } }));
    const taskrouter = new twilio.TaskRouterCapability.default({ accountSid, authToken, workspaceSid, channelId: workerSid });
    for (const policy of twilio.util.defaultWorkerPolicies("v1", workspaceSid, workerSid)) taskrouter.addPolicy(policy);
    expected = { access: access.toJwt("HS512"), client: client.toJwt(), taskrouter: taskrouter.toJwt(), verified: true, forged: "bad_signature" };
  } finally {
    vi.useRealTimers();
  }
});

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").pop()!) as Expected;

describe("@twilio-kit/tokens on other runtimes", () => {
  it("mints twilio-node's exact tokens and verifies them in Bun", async () => {
    const file = join(here, ".tokens-bun.mjs");
    writeFileSync(file, `${imports}\n${body}\nconsole.log(JSON.stringify(result));\n`);
    try {
      const { stdout } = await run(bin("bun"), ["run", file], { cwd: here });
      expect(lastJson(stdout)).toEqual(expected);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it("mints twilio-node's exact tokens and verifies them in Deno without network permission", async () => {
    const file = join(here, ".tokens-deno.mjs");
    writeFileSync(file, `${imports}\n${body}\nconsole.log(JSON.stringify(result));\n`);
    try {
      const { stdout } = await run(bin("deno"), ["run", "--allow-read", "--no-prompt", file], {
        cwd: here,
        env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      });
      expect(lastJson(stdout)).toEqual(expected);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it("mints twilio-node's exact tokens and verifies them in a Cloudflare Worker in workerd", async () => {
    const require = createRequire(import.meta.url);
    const esbuild = require("esbuild") as typeof import("esbuild");
    const dir = mkdtempSync(join(tmpdir(), "twilio-kit-tokens-workerd-"));
    try {
      writeFileSync(join(dir, "entry.mjs"), `${imports}\nexport default {\n  async fetch() {\n${body}\n    return Response.json(result);\n  },\n};\n`);
      // The conditions wrangler uses.
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
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2024-09-23",
);
`,
      );
      const workerd = spawn(bin("workerd"), ["serve", join(dir, "config.capnp")], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      workerd.stderr.on("data", (chunk) => (stderr += chunk));
      try {
        const response = await retryFetch(`http://127.0.0.1:${port}/`);
        expect(response.status, stderr).toBe(200);
        expect(await response.json()).toEqual(expected);
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
