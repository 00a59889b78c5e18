// The built package: the node build (picked by the `node` export condition) reads HTTP_PROXY and
// NO_PROXY from the environment; the universal build refuses an explicit proxy it cannot honour.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ACCOUNT_SID, AUTH_TOKEN, startServer } from "./helpers.js";
import { startProxyProcess } from "./proxy-helpers.js";

const dist = new URL("../dist/", import.meta.url);
type Core = typeof import("../src/index.js");
const LIST = "GET /2010-04-01/Accounts/{AccountSid}/Messages.json";

let proxy: Awaited<ReturnType<typeof startProxyProcess>>;
let target: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  [proxy, target] = await Promise.all([startProxyProcess(), startServer(() => ({ status: 200, body: { messages: [] } }))]);
});
afterAll(() => Promise.all([proxy.close(), target.close()]));
afterEach(() => vi.unstubAllEnvs());

describe("proxies in the built package", () => {
  it("node build: sends through HTTP_PROXY and straight to NO_PROXY hosts", async () => {
    const core = (await import(new URL("node/index.js", dist).href)) as Core;
    vi.stubEnv("HTTP_PROXY", proxy.url);
    await core.createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: target.url }).request(LIST);
    for (let waited = 0; proxy.log.length < 1 && waited < 2000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(proxy.log).toEqual([expect.objectContaining({ type: "forward", url: expect.stringContaining(`${target.url}/api/2010-04-01/`) })]);
    vi.stubEnv("NO_PROXY", "127.0.0.1");
    await core.createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: target.url }).request(LIST);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(proxy.log).toHaveLength(1);
    expect(target.seen).toHaveLength(2);
  });

  it("universal build: an explicit proxy is a TypeError that says what to do instead", async () => {
    const core = (await import(new URL("index.js", dist).href)) as Core;
    expect(() => core.createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, proxy: proxy.url })).toThrow(
      /the proxy option needs Node's node:http; on this runtime pass a fetch that uses your proxy/,
    );
  });
});
