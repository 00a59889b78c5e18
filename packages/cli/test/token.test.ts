// `twk token access|decode` against the built bin: tokens from the active profile's API key, equal to
// twilio-node's for the same clock, and decoding that never prints the signature or a secret.
import { createRequire } from "node:module";
import { verifyAccessToken } from "@twilio-kit/tokens";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runTwk, tempHome, type TempHome } from "./helpers/run-twk.js";

// twilio-node is a test dependency of @twilio-kit/tokens (not of the CLI): borrow it from there.
const require = createRequire(createRequire(import.meta.url).resolve("@twilio-kit/tokens/package.json"));
const AccessToken = require("twilio/lib/jwt/AccessToken") as {
  new (a: string, k: string, s: string, o: object): { addGrant(g: object): void; toJwt(): string };
  VideoGrant: new (o: object) => object;
  VoiceGrant: new (o: object) => object;
};

const ACCOUNT_SID = `AC${"a".repeat(32)}`;
const API_KEY = `SK${"b".repeat(32)}`;
const API_SECRET = "api-secret-9d2f4e";
const AUTH_TOKEN = "auth-token-51c0aa";

let home: TempHome;
beforeAll(async () => {
  home = tempHome();
  await runTwk(["login", "--profile", "keyed", "--account-sid", ACCOUNT_SID, "--api-key", API_KEY, "--api-secret", API_SECRET, "--region", "ie1"], home.env);
  await runTwk(["login", "--profile", "tokened", "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN, "--no-use"], home.env);
});
afterAll(() => home.cleanup());
afterEach(() => vi.useRealTimers());

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8"));

describe("twk token access", () => {
  it("prints a token signed with the active profile's API key, the same as twilio-node's at that second", async () => {
    const result = await runTwk(["token", "access", "--identity", "alice", "--grant", "video:room=daily"], home.env);
    expect(result.code).toBe(0);
    const jwt = result.stdout.trim();
    expect(result.stdout).toBe(`${jwt}\n`);
    const verdict = await verifyAccessToken(jwt, { apiSecret: API_SECRET });
    expect(verdict).toMatchObject({ ok: true, header: { twr: "ie1" }, claims: { iss: API_KEY, sub: ACCOUNT_SID, grants: { identity: "alice", video: { room: "daily" } } } });
    vi.useFakeTimers({ toFake: ["Date"], now: claimsOf(jwt).iat * 1000 });
    const official = new AccessToken(ACCOUNT_SID, API_KEY, API_SECRET, { identity: "alice", region: "ie1" });
    official.addGrant(new AccessToken.VideoGrant({ room: "daily" }));
    expect(jwt).toBe(official.toJwt());
    expect(result.stderr).toContain("Access Token for alice (video)");
    expect(result.stdout + result.stderr).not.toContain(API_SECRET);
  });

  it("merges repeated grants of one kind, in kebab-case or camelCase, with voice params", async () => {
    const result = await runTwk(
      ["token", "access", "--identity", "bob", "--grant", "voice:incoming-allow=true,outgoingApplicationSid=AP123", "--grant", "voice:outgoingApplicationParams.To=+15558675310", "--grant", "sync:serviceSid=IS1", "--ttl", "600", "-o", "json"],
      home.env,
    );
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.grants).toEqual({ identity: "bob", voice: { incoming: { allow: true }, outgoing: { application_sid: "AP123", params: { To: "+15558675310" } } }, data_sync: { service_sid: "IS1" } });
    const claims = claimsOf(out.token);
    expect(claims.exp - claims.iat).toBe(600);
    expect(out.api_key).toBe(API_KEY);
  });

  it("keeps commas inside a value (a room name) and accepts a grant without options", async () => {
    const out = JSON.parse((await runTwk(["token", "access", "--identity", "c", "--grant", "video:room=a,b", "--grant", "chat", "-o", "json"], home.env)).stdout);
    expect(out.grants).toEqual({ identity: "c", video: { room: "a,b" }, chat: {} });
  });

  it("refuses a profile without an API key (exit 3) and says how to get one", async () => {
    const result = await runTwk(["token", "access", "--identity", "alice", "--profile", "tokened"], home.env);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("has no API key");
    expect(result.stderr).not.toContain(AUTH_TOKEN);
  });

  it.each([
    [["--grant", "vidoe:room=x"], "did you mean video?"],
    [["--grant", "video:roomName=x"], "options: room"],
    [["--grant", "voice:incomingAllow=yes"], "takes true or false"],
    [["--ttl", "0"], "--ttl must be an integer >= 1"],
    [["--algorithm", "RS256"], "algorithm must be one of HS256,HS384,HS512"],
  ])("rejects %j with a usage error (exit 2)", async (args, message) => {
    const result = await runTwk(["token", "access", "--identity", "alice", ...args], home.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("needs --identity", async () => {
    expect((await runTwk(["token", "access"], home.env)).stderr).toContain("needs --identity");
  });
});

describe("twk token decode", () => {
  const mint = async () => (await runTwk(["token", "access", "--identity", "alice", "--grant", "video:room=daily"], home.env)).stdout.trim();

  it("shows header and claims but never the signature", async () => {
    const jwt = await mint();
    const result = await runTwk(["token", "decode", jwt, "-o", "json"], home.env);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.header).toEqual({ alg: "HS256", typ: "JWT", cty: "twilio-fpa;v=1", twr: "ie1" });
    expect(out.claims.grants).toEqual({ identity: "alice", video: { room: "daily" } });
    expect(result.stdout).not.toContain(jwt.split(".")[2]);
  });

  it("reads the token from stdin and prints times in table mode", async () => {
    const result = await runTwk(["token", "decode", "-", "-o", "table"], home.env, { input: `Bearer ${await mint()}\n` });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^header {3}\{"alg":"HS256"/);
    expect(result.stdout).toMatch(/expires {2}\d{4}-\d\d-\d\dT.* \(in 60 min\)/);
  });

  it("verifies with the profile's API secret: exit 0, and exit 7 for a token signed with another", async () => {
    const jwt = await mint();
    expect(JSON.parse((await runTwk(["token", "decode", jwt, "--verify", "-o", "json"], home.env)).stdout)).toMatchObject({ valid: true });
    const other = await runTwk(["token", "decode", jwt, "--verify", "--api-key", API_KEY, "--api-secret", "another-secret", "--auth-account-sid", ACCOUNT_SID, "-o", "json"], home.env);
    expect(other.code).toBe(7);
    expect(JSON.parse(other.stdout)).toMatchObject({ valid: false, reason: "bad_signature" });
    expect(other.stdout + other.stderr).not.toContain("another-secret");
  });

  it("rejects something that is not a JWT with exit 2", async () => {
    const result = await runTwk(["token", "decode", "not-a-token"], home.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("not a JWT");
  });
});
