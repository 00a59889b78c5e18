// The built package: the universal build has no Node built-ins, and the node build (picked by the
// `node` export condition) sends through node:http, with the same behaviour as the fetch transport.
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_SID, AUTH_TOKEN, startServer } from "./helpers.js";

const dist = new URL("../dist/", import.meta.url);
type Core = typeof import("../src/index.js");

describe("universal build", () => {
  it("imports no Node built-in, so it runs on Workers, Deno and in browsers", () => {
    const files = readdirSync(dist).filter((f) => f.endsWith(".js") || f.endsWith(".cjs"));
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const source = readFileSync(new URL(file, dist), "utf8");
      expect(source, file).not.toMatch(/from ["'](node:)?(http|https|net|fs|crypto)["']|require\(["'](node:)?(http|https|net|fs|crypto)["']\)/);
    }
  });

  it("resolves to the node build under the node condition and to the fetch build otherwise", () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(manifest.exports["."].node.import.default).toBe("./dist/node/index.js");
    expect(manifest.exports["."].import.default).toBe("./dist/index.js");
    expect(Object.keys(manifest.exports)).toHaveLength(62 + 3); // the specs, the root, ./segments, ./package.json
  });
});

describe("node build (node:http transport)", () => {
  let core: Core;
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    core = (await import(new URL("node/index.js", dist).href)) as Core;
    server = await startServer((request) =>
      request.url.includes("Bad")
        ? { status: 400, body: { code: 21211, message: "Invalid 'To'", more_info: "https://www.twilio.com/docs/errors/21211", status: 400 } }
        : { status: 201, body: { sid: "SM1", body: new URLSearchParams(request.body).get("Body") }, headers: { "x-request": "1" } },
    );
  });
  afterAll(() => server.close());

  it("sends a form body with Content-Length and reads the JSON answer", async () => {
    const twilio = core.createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: server.url });
    await expect(twilio.messages.create({ To: "+1", Body: "héllo ☎" })).resolves.toEqual({ sid: "SM1", body: "héllo ☎" });
    const seen = server.seen.at(-1)!;
    expect(Number(seen.headers["content-length"])).toBe(Buffer.byteLength(seen.body));
    expect(seen.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`);
  });

  it("throws the typed API error with response headers", async () => {
    const twilio = core.createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: `${server.url}/Bad` });
    const error = (await twilio.messages.create({ To: "x" }).catch((e: unknown) => e)) as InstanceType<Core["TwilioApiError"]>;
    expect(core.TwilioError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 400, code: 21211 });
    expect(error.headers.get("content-type")).toBe("application/json");
  });

  it("rejects with the reason of a signal aborted before the call, without connecting", async () => {
    const before = server.seen.length;
    const twilio = core.createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: server.url });
    await expect(twilio.messages.list({}, { signal: AbortSignal.abort(new Error("too late")) })).rejects.toThrow("too late");
    expect(server.seen.length).toBe(before);
  });

  it("times out a silent server and aborts on the caller's signal", async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const twilio = core.createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: url, timeoutMs: 100, maxRetries: 0 });
      const error = (await twilio.messages.list().catch((e: unknown) => e)) as InstanceType<Core["TwilioConnectionError"]>;
      expect(error.isTimeout).toBe(true);
      const controller = new AbortController();
      const pending = core.createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: url }).messages.list({}, { signal: controller.signal });
      controller.abort(new Error("stop"));
      await expect(pending).rejects.toThrow("stop");
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
