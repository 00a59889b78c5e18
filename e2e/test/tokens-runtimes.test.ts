// @twilio-kit/tokens on the runtimes it promises: Bun, Deno and Cloudflare's workerd mint an Access
// Token, a Client and a TaskRouter capability token at a pinned clock, and verify one. Each must equal
// twilio-node's token for the same inputs and clock, computed here in Node. Launched as in
// runtimes.test.ts, by runtime/launch.ts (the runtimes come from the bun, deno and workerd npm packages).
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { fetchFromWorkerd, runWithBun, runWithDeno } from "./runtime/launch.js";

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
  const script = `${imports}\n${body}\nconsole.log(JSON.stringify(result));\n`;

  it("mints twilio-node's exact tokens and verifies them in Bun", async () => {
    expect(lastJson(await runWithBun("tokens-bun", script))).toEqual(expected);
  });

  it("mints twilio-node's exact tokens and verifies them in Deno without network permission", async () => {
    expect(lastJson(await runWithDeno("tokens-deno", script, ["--allow-read"]))).toEqual(expected);
  });

  it("mints twilio-node's exact tokens and verifies them in a Cloudflare Worker in workerd", async () => {
    const entry = `${imports}\nexport default {\n  async fetch() {\n${body}\n    return Response.json(result);\n  },\n};\n`;
    const { status, text, stderr } = await fetchFromWorkerd({ name: "twilio-kit-tokens-workerd", entry });
    expect(status, stderr).toBe(200);
    expect(JSON.parse(text)).toEqual(expected);
  });
});
