import { describe, expect, it } from "vitest";
import { createClientCapabilityToken, createTaskRouterCapabilityToken, decodeToken } from "../src/index.js";

const accountSid = `AC${"a".repeat(32)}`;

describe("createClientCapabilityToken", () => {
  it("joins the scopes with spaces and double-escapes outgoing params", async () => {
    const jwt = await createClientCapabilityToken({
      accountSid,
      authToken: "t",
      ttl: 60,
      scopes: [
        { kind: "incoming", clientName: "al ice" },
        { kind: "outgoing", applicationSid: "AP1", params: { to: "+1 555" } },
      ],
    });
    const { header, claims } = decodeToken(jwt);
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(claims.scope).toBe("scope:client:incoming?clientName=al%20ice scope:client:outgoing?appSid=AP1&appParams=to%3D%252B1%2520555");
    expect(Object.keys(claims)).toEqual(["scope", "iss", "exp", "iat"]);
  });

  it.each([
    ["scopes", { accountSid, authToken: "t" }],
    ["authToken", { accountSid, scopes: [] }],
    ["scopes\\[0\\]\\.kind", { accountSid, authToken: "t", scopes: [{ kind: "stream" }] }],
    ["scopes\\[0\\]\\.clientName", { accountSid, authToken: "t", scopes: [{ kind: "incoming" }] }],
    ["scopes\\[0\\]\\.applicationSid", { accountSid, authToken: "t", scopes: [{ kind: "outgoing", clientName: "a" }] }],
    ["scopes\\[0\\]\\.clientName", { accountSid, authToken: "t", scopes: [{ kind: "incoming", clientName: "\uD800" }] }],
    ["scopes\\[0\\]\\.params\\.a", { accountSid, authToken: "t", scopes: [{ kind: "outgoing", applicationSid: "AP", params: { a: {} } }] }],
  ])("rejects a bad %s with a TypeError naming it", async (option, options) => {
    await expect(createClientCapabilityToken(options as never)).rejects.toThrow(new RegExp(`^\\[@twilio-kit/tokens\\] ${option} `));
  });
});

describe("createTaskRouterCapabilityToken", () => {
  const options = { accountSid, authToken: "t", workspaceSid: `WS${"1".repeat(32)}`, channelId: `WQ${"2".repeat(32)}` };

  it("adds taskqueue_sid for a WQ channel and fills policy defaults", async () => {
    const { claims } = decodeToken(await createTaskRouterCapabilityToken({ ...options, policies: [{ url: "https://x" }] }));
    expect(claims.taskqueue_sid).toBe(options.channelId);
    expect(claims.worker_sid).toBeUndefined();
    expect(claims.policies).toEqual([{ url: "https://x", method: "GET", query_filter: {}, post_filter: {}, allow: true }]);
  });

  it("keeps an explicit allow: false (twilio-node turns it into true)", async () => {
    const { claims } = decodeToken(await createTaskRouterCapabilityToken({ ...options, policies: [{ url: "https://x", allow: false }] }));
    expect((claims.policies as { allow: boolean }[])[0]!.allow).toBe(false);
  });

  it.each([
    ["workspaceSid", { ...options, workspaceSid: undefined, policies: [] }],
    ["channelId", { ...options, channelId: "", policies: [] }],
    ["policies", { ...options }],
    ["policies\\[0\\]\\.url", { ...options, policies: [{ method: "GET" }] }],
    ["policies\\[0\\]\\.method", { ...options, policies: [{ url: "u", method: "get" }] }],
    ["policies\\[0\\]\\.allowed", { ...options, policies: [{ url: "u", allowed: true }] }],
  ])("rejects a bad %s with a TypeError naming it", async (option, bad) => {
    await expect(createTaskRouterCapabilityToken(bad as never)).rejects.toThrow(new RegExp(`^\\[@twilio-kit/tokens\\] ${option} `));
  });
});
