import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createAccessToken, createClientCapabilityToken, decodeToken, verifyAccessToken } from "../src/index.js";

const require = createRequire(import.meta.url);
const AccessToken = require("twilio/lib/jwt/AccessToken") as new (a: string, k: string, s: string, o: object) => { toJwt(alg?: string): string };

const options = { accountSid: `AC${"a".repeat(32)}`, apiKey: `SK${"b".repeat(32)}`, apiSecret: "right-secret", identity: "alice" };
const now = Math.floor(Date.now() / 1000);

describe("verifyAccessToken", () => {
  it("accepts a token it minted and returns header and claims", async () => {
    const result = await verifyAccessToken(await createAccessToken({ ...options, grants: { video: {} } }), { apiSecret: "right-secret" });
    expect(result.ok).toBe(true);
    expect(result.ok && result.claims.grants).toEqual({ identity: "alice", video: {} });
    expect(result.ok && result.header.cty).toBe("twilio-fpa;v=1");
  });

  it.each(["HS256", "HS384", "HS512"])("accepts a token twilio-node signed with %s", async (algorithm) => {
    const jwt = new AccessToken(options.accountSid, options.apiKey, "right-secret", { identity: "bob" }).toJwt(algorithm);
    expect((await verifyAccessToken(jwt, { apiSecret: "right-secret" })).ok).toBe(true);
  });

  it("rejects a token signed with another secret as bad_signature, without its claims", async () => {
    const result = await verifyAccessToken(await createAccessToken(options), { apiSecret: "wrong-secret" });
    expect(result).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("rejects a token whose claims were altered", async () => {
    const [head, , sig] = (await createAccessToken(options)).split(".");
    const forged = btoa(JSON.stringify({ ...decodeToken(await createAccessToken(options)).claims, grants: { identity: "admin" } })).replace(/=+$/, "");
    expect((await verifyAccessToken(`${head}.${forged}.${sig}`, { apiSecret: "right-secret" })).ok).toBe(false);
  });

  it("rejects an expired token as expired, at exp and not one second before", async () => {
    const jwt = await createAccessToken({ ...options, ttl: 60 });
    const { exp } = decodeToken(jwt).claims as { exp: number };
    expect((await verifyAccessToken(jwt, { apiSecret: "right-secret", nowSec: exp - 1 })).ok).toBe(true);
    expect(await verifyAccessToken(jwt, { apiSecret: "right-secret", nowSec: exp })).toMatchObject({ ok: false, reason: "expired", claims: { exp } });
    expect((await verifyAccessToken(jwt, { apiSecret: "right-secret", nowSec: exp, clockToleranceSec: 5 })).ok).toBe(true);
  });

  it("rejects a token before its nbf as not_yet_valid", async () => {
    const jwt = await createAccessToken({ ...options, nbf: now + 100 });
    expect(await verifyAccessToken(jwt, { apiSecret: "right-secret" })).toMatchObject({ ok: false, reason: "not_yet_valid" });
    expect((await verifyAccessToken(jwt, { apiSecret: "right-secret", nowSec: now + 100 })).ok).toBe(true);
  });

  it.each([
    ["an empty string", ""],
    ["two parts", "a.b"],
    ["non-JSON parts", "a.b.c"],
    ["a JSON array header", `${btoa("[1]")}.${btoa("{}")}.x`],
    ["padded base64", `${btoa('{"alg":"HS256"}')}==.e30.x`],
  ])("rejects %s as malformed", async (_, jwt) => {
    expect(await verifyAccessToken(jwt, { apiSecret: "right-secret" })).toEqual({ ok: false, reason: "malformed" });
  });

  it("rejects a token without exp, or with a string exp, as malformed", async () => {
    const enc = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "");
    for (const claims of [{}, { exp: "9999999999" }]) {
      expect(await verifyAccessToken(`${enc({ alg: "HS256" })}.${enc(claims)}.AAAA`, { apiSecret: "s" })).toEqual({ ok: false, reason: "malformed" });
    }
  });

  it("rejects alg none and asymmetric algorithms as unsupported_algorithm", async () => {
    const enc = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "");
    for (const alg of ["none", "RS256"]) {
      expect(await verifyAccessToken(`${enc({ alg })}.${enc({ exp: now + 60 })}.`, { apiSecret: "s" })).toEqual({ ok: false, reason: "unsupported_algorithm" });
    }
  });

  it("verifies capability tokens with the auth token", async () => {
    const jwt = await createClientCapabilityToken({ accountSid: options.accountSid, authToken: "auth", scopes: [{ kind: "incoming", clientName: "alice" }] });
    expect(await verifyAccessToken(jwt, { apiSecret: "auth" })).toMatchObject({ ok: true, claims: { scope: "scope:client:incoming?clientName=alice" } });
  });

  it("accepts every token minted with the secret and rejects it under any other secret", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", minLength: 1 }), fc.string({ unit: "binary", minLength: 1 }), fc.constantFrom("HS256", "HS384", "HS512" as const), async (secret, other, algorithm) => {
        const jwt = await createAccessToken({ ...options, apiSecret: secret, algorithm, grants: { chat: { serviceSid: "IS1" } } });
        expect((await verifyAccessToken(jwt, { apiSecret: secret })).ok).toBe(true);
        if (other !== secret) expect(await verifyAccessToken(jwt, { apiSecret: other })).toEqual({ ok: false, reason: "bad_signature" });
      }),
      { numRuns: 300 },
    );
  });

  it("throws a TypeError when the secret is missing (a configuration error)", async () => {
    await expect(verifyAccessToken("a.b.c", { apiSecret: "" })).rejects.toThrow(/apiSecret is required/);
  });
});

describe("decodeToken", () => {
  it("throws a TypeError naming jwt for something that is not a JWT", () => {
    expect(() => decodeToken("not a token")).toThrow(TypeError);
    expect(() => decodeToken("not a token")).toThrow(/jwt is not a JWT/);
  });
});
