import { describe, expect, it } from "vitest";
import { createAccessToken, decodeToken, type AccessTokenOptions } from "../src/index.js";

const base: AccessTokenOptions = { accountSid: `AC${"a".repeat(32)}`, apiKey: `SK${"b".repeat(32)}`, apiSecret: "s3cret-value", identity: "alice" };

function circular(): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  value.self = value;
  return value;
}

async function rejection(options: unknown): Promise<TypeError> {
  const error = await createAccessToken(options as AccessTokenOptions).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TypeError);
  return error as TypeError;
}

describe("createAccessToken", () => {
  it("writes the header, claims and grants Twilio expects", async () => {
    const jwt = await createAccessToken({ ...base, region: "ie1", ttl: 600, grants: { voice: { incomingAllow: true, outgoingApplicationSid: "AP1" }, video: { room: "daily" } } });
    const { header, claims } = decodeToken(jwt);
    expect(header).toEqual({ alg: "HS256", typ: "JWT", cty: "twilio-fpa;v=1", twr: "ie1" });
    expect(Object.keys(claims)).toEqual(["jti", "grants", "iat", "exp", "iss", "sub"]);
    expect(claims.exp).toBe((claims.iat as number) + 600);
    expect(claims.jti).toBe(`${base.apiKey}-${claims.iat}`);
    expect(claims.grants).toEqual({ identity: "alice", voice: { incoming: { allow: true }, outgoing: { application_sid: "AP1" } }, video: { room: "daily" } });
  });

  it("writes an integer identity as a string", async () => {
    expect(decodeToken(await createAccessToken({ ...base, identity: 42 })).claims.grants).toEqual({ identity: "42" });
  });

  it.each([
    ["accountSid", { ...base, accountSid: "" }],
    ["apiKey", { ...base, apiKey: undefined }],
    ["apiSecret", { ...base, apiSecret: 123 }],
    ["identity", { ...base, identity: "" }],
    ["identity", { ...base, identity: 1.5 }],
    ["ttl", { ...base, ttl: 0 }],
    ["ttl", { ...base, ttl: "3600" }],
    ["nbf", { ...base, nbf: Number.NaN }],
    ["region", { ...base, region: "" }],
    ["region", { ...base, region: "région" }],
    ["algorithm", { ...base, algorithm: "RS256" }],
    ["grants", { ...base, grants: [] }],
    ["grants.conversations", { ...base, grants: { conversations: {} } }],
    ["grants.video.roomName", { ...base, grants: { video: { roomName: "daily" } } }],
    ["grants.video.room", { ...base, grants: { video: { room: 7 } } }],
    ["grants.voice.incomingAllow", { ...base, grants: { voice: { incomingAllow: "yes" } } }],
    ["grants.voice.outgoingApplicationParams", { ...base, grants: { voice: { outgoingApplicationParams: { a: 1 } } } }],
    ["grants.playback.grant", { ...base, grants: { playback: { grant: "token" } } }],
    ["grants.playback.grant", { ...base, grants: { playback: { grant: { big: 1n } } } }],
    ["grants.voice.outgoingApplicationParams", { ...base, grants: { voice: { outgoingApplicationSid: "AP1", outgoingApplicationParams: circular() } } }],
  ])("rejects a bad %s with a TypeError naming it", async (option, options) => {
    expect((await rejection(options)).message).toMatch(new RegExp(`^\\[@twilio-kit/tokens\\] ${option.replace(/\./g, "\\.")} `));
  });

  it("rejects a missing options object by naming the first missing option", async () => {
    expect((await rejection(undefined)).message).toContain("accountSid must be a non-empty string");
  });

  it("never puts the secret in an error message", async () => {
    const error = await rejection({ ...base, apiSecret: "TOPSECRET", grants: { video: { room: 1 } } });
    expect(error.message).not.toContain("TOPSECRET");
  });
});
