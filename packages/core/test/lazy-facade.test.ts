// The root entry's products load on first use: their facades exist (typed, enumerable) before that,
// their tables arrive before the first request needs them, and a failed load can be retried.
import { describe, expect, it, vi } from "vitest";
import { createClient } from "../src/client.js";
import { buildFacade } from "../src/facade.js";
import { lazySpecs } from "../src/generated/index.js";
import { createTwilio } from "../src/index.js";
import { createSpecLoader, decodeShape, type LazySpec, type SpecModule } from "../src/lazy-facade.js";
import type { OperationSpec } from "../src/operations.js";
import { ACCOUNT_SID, AUTH_TOKEN, scriptedFetch } from "./helpers.js";

const options = (fetch: typeof globalThis.fetch) => ({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch });

/** The keys of a facade, recursively: functions become "fn", so a lazy and a real facade compare. */
function skeleton(node: Record<string, unknown>): unknown {
  return Object.fromEntries(
    Object.entries(node)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]) => [key, typeof value === "function" ? "fn" : skeleton(value as Record<string, unknown>)]),
  );
}

describe("lazy products of the root entry", () => {
  it("has every product's resources and verbs before any product loads", () => {
    const twilio = createTwilio(options(scriptedFetch().fetch));
    expect(Object.keys(twilio.verify.v2)).toContain("services");
    expect(typeof twilio.verify.v2.services.verifications.create).toBe("function");
    expect(typeof twilio.messaging.v1.services.paginate).toBe("function");
    expect("paginate" in twilio.verify.v2.services.verifications).toBe(false);
    expect(typeof twilio.preview.hostedNumbers.hostedNumberOrders.list).toBe("function");
  });

  it("gives every product the same facade keys as its spec module, paginate included", async () => {
    const client = createClient(options(scriptedFetch().fetch), {});
    const loader = createSpecLoader(client, {}, lazySpecs);
    for (const spec of lazySpecs) {
      const module = await spec.load();
      const table: Record<string, OperationSpec> = { ...module.operationTable };
      const real = buildFacade({ ...client, table }, module.facadeTree);
      expect(skeleton(loader.facadeOf(spec)), spec.path.join(".")).toEqual(skeleton(real));
    }
  });

  it("loads a product's table before request() sends one of its routes (header params as headers)", async () => {
    const { fetch, seen } = scriptedFetch({ status: 204 });
    const twilio = createTwilio(options(fetch));
    await twilio.request("DELETE /chat/v2/Services/{ServiceSid}/Channels/{Sid}", { ServiceSid: "IS1", Sid: "CH1", "X-Twilio-Webhook-Enabled": "true" });
    expect(seen[0]!.url).toBe("https://chat.twilio.com/v2/Services/IS1/Channels/CH1");
    expect(seen[0]!.headers["x-twilio-webhook-enabled"]).toBe("true");
  });

  it("pages through a product from its facade before the product has loaded", async () => {
    const { fetch, seen } = scriptedFetch(
      { body: { services: [{ sid: "VA1" }], meta: { key: "services", next_page_url: "https://verify.twilio.com/v2/Services?Page=1" } } },
      { body: { services: [{ sid: "VA2" }], meta: { key: "services", next_page_url: null } } },
    );
    const sids: string[] = [];
    for await (const service of createTwilio(options(fetch)).verify.v2.services.paginate()) sids.push(service.sid!);
    expect(sids).toEqual(["VA1", "VA2"]);
    expect(seen.map((r) => r.url)).toEqual(["https://verify.twilio.com/v2/Services", "https://verify.twilio.com/v2/Services?Page=1"]);
  });

  it("rejects the call whose import failed, then imports again on the next call and only once after that", async () => {
    const module: SpecModule = {
      operationTable: { "GET /fake/v1/Things": { l: "things" } },
      facadeTree: { prefix: "/fake/v1", paths: ["~/Things"], tree: { things: { create: "POST 0", list: "GET 0" } } },
    };
    const load = vi.fn<() => Promise<SpecModule>>().mockRejectedValueOnce(new Error("chunk failed")).mockResolvedValue(module);
    const spec: LazySpec = { path: ["fake", "v1"], prefixes: ["fake/v1"], shape: "things(c,l*)", load };
    const { fetch, seen } = scriptedFetch({ status: 201, body: { sid: "TH1" } });
    const table: Record<string, OperationSpec> = {};
    const client = createClient(options(fetch), table);
    const facade = createSpecLoader(client, table, [spec]).facadeOf(spec) as { things: { create: (p: object) => Promise<unknown> } };
    await expect(facade.things.create({ Name: "a" })).rejects.toThrow("chunk failed");
    await expect(facade.things.create({ Name: "b" })).resolves.toEqual({ sid: "TH1" });
    await facade.things.create({ Name: "c" });
    expect(load).toHaveBeenCalledTimes(2);
    expect(table["GET /fake/v1/Things"]).toEqual({ l: "things" });
    expect(seen.map((r) => `${r.method} ${r.url} ${r.body}`)).toEqual([
      "POST https://fake.twilio.com/v1/Things Name=b",
      "POST https://fake.twilio.com/v1/Things Name=c",
    ]);
  });

  it("says which spec a route needs until that spec has loaded, and none for the 2010 API", async () => {
    const client = createClient(options(scriptedFetch().fetch), {});
    const loader = createSpecLoader(client, {}, lazySpecs);
    const verify = loader.pendingFor("POST /verify/v2/Services");
    expect(verify?.path).toEqual(["verify", "v2"]);
    expect(loader.pendingFor("POST /2010-04-01/Accounts/{AccountSid}/Messages.json")).toBeUndefined();
    expect(loader.pendingFor("GET /nowhere/v9/Things")).toBeUndefined();
    await loader.ensure(verify!);
    expect(loader.pendingFor("POST /verify/v2/Services")).toBeUndefined();
  });
});

describe("decodeShape", () => {
  it("reads resources, the five one-letter verbs, other verbs by name and paged lists", () => {
    expect(decodeShape("services(c,l*,f,verifications(c,u),approveFeedback),d")).toEqual({
      services: { create: 0, list: 1, fetch: 0, verifications: { create: 0, update: 0 }, approveFeedback: 0 },
      delete: 0,
    });
    expect(decodeShape("")).toEqual({});
  });

  it("names the position of a malformed shape", () => {
    expect(() => decodeShape("services(c,l")).toThrow(/malformed facade shape at 12/);
    expect(() => decodeShape("a(b))")).toThrow(/malformed facade shape/);
  });
});
