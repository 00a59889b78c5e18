import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ACCOUNT_SID, API_KEY, API_SECRET, AUTH_TOKEN, startFakeTwilio, type FakeTwilio } from "./helpers/fake-twilio.js";
import { runTwk, tempHome, type TempHome } from "./helpers/run-twk.js";

let fake: FakeTwilio;
let home: TempHome;
beforeAll(async () => {
  fake = await startFakeTwilio();
});
afterAll(() => fake.close());
beforeEach(() => {
  home = tempHome();
});
afterEach(() => home.cleanup());

const configFile = () => join(home.env.XDG_CONFIG_HOME!, "twilio-kit", "config.json");
const authOf = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`;

describe("profiles and credentials", () => {
  it("saves a profile non-interactively, 0600 under XDG_CONFIG_HOME, and makes it active", async () => {
    const login = await runTwk(["login", "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN, "--base-url", fake.url], home.env);
    expect(login.code).toBe(0);
    expect(login.stdout).toBe("");
    expect(login.stderr).not.toContain(AUTH_TOKEN);
    expect(statSync(configFile()).mode & 0o777).toBe(0o600);
    expect(statSync(join(home.env.XDG_CONFIG_HOME!, "twilio-kit")).mode & 0o777).toBe(0o700);
    const call = await runTwk(["api", "messages", "list", "--limit", "1"], home.env);
    expect(call.code).toBe(0);
    expect(fake.requests.at(-1)!.headers.authorization).toBe(authOf(ACCOUNT_SID, AUTH_TOKEN));
  });

  it("defaults to ~/.config/twilio-kit without XDG_CONFIG_HOME", async () => {
    const env = { ...home.env, XDG_CONFIG_HOME: undefined };
    expect((await runTwk(["login", "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN], env)).code).toBe(0);
    expect(statSync(join(home.home, ".config", "twilio-kit", "config.json")).mode & 0o777).toBe(0o600);
  });

  it("reads the secret from stdin with --secret-stdin", async () => {
    const login = await runTwk(["login", "--profile", "ci", "--account-sid", ACCOUNT_SID, "--secret-stdin"], home.env, { input: `${AUTH_TOKEN}\n` });
    expect(login.code).toBe(0);
    expect(JSON.parse(readFileSync(configFile(), "utf8")).profiles.ci.authToken).toBe(AUTH_TOKEN);
  });

  it("never waits for input without a terminal: missing values are a usage error", async () => {
    const login = await runTwk(["login", "--account-sid", ACCOUNT_SID], home.env);
    expect(login.code).toBe(2);
    expect(login.stderr).toContain("no terminal");
  });

  it("lists profiles without ever printing a token or secret", async () => {
    await runTwk(["login", "--profile", "main", "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN], home.env);
    await runTwk(["login", "--profile", "keyed", "--account-sid", ACCOUNT_SID, "--api-key", API_KEY, "--api-secret", API_SECRET, "--no-use"], home.env);
    for (const format of ["table", "json", "ndjson", "csv"]) {
      const result = await runTwk(["profiles", "list", "-o", format], home.env);
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(AUTH_TOKEN);
      expect(result.stdout + result.stderr).not.toContain(API_SECRET);
    }
    const rows = JSON.parse((await runTwk(["profiles", "list", "-o", "json"], home.env)).stdout);
    expect(rows).toEqual([
      expect.objectContaining({ name: "main", active: true, auth: "auth token" }),
      expect.objectContaining({ name: "keyed", active: false, auth: `api key ${API_KEY}` }),
    ]);
  });

  it("switches and removes profiles", async () => {
    await runTwk(["login", "--profile", "a", "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN], home.env);
    await runTwk(["login", "--profile", "b", "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN], home.env);
    expect((await runTwk(["profiles", "use", "a"], home.env)).code).toBe(0);
    expect(JSON.parse(readFileSync(configFile(), "utf8")).activeProfile).toBe("a");
    expect((await runTwk(["profiles", "remove", "a"], home.env)).code).toBe(0);
    const config = JSON.parse(readFileSync(configFile(), "utf8"));
    expect(Object.keys(config.profiles)).toEqual(["b"]);
    expect(config.activeProfile).toBeUndefined();
    expect((await runTwk(["profiles", "use", "nope"], home.env)).code).toBe(2);
  });

  it("prefers flags, then the environment, then the active profile", async () => {
    await runTwk(["login", "--profile", "p", "--account-sid", ACCOUNT_SID, "--api-key", API_KEY, "--api-secret", API_SECRET, "--base-url", fake.url], home.env);
    await runTwk(["api", "messages", "list", "--limit", "1"], home.env);
    expect(fake.requests.at(-1)!.headers.authorization).toBe(authOf(API_KEY, API_SECRET));
    const envCreds = { ...home.env, TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_BASE_URL: fake.url };
    await runTwk(["api", "messages", "list", "--limit", "1"], envCreds);
    expect(fake.requests.at(-1)!.headers.authorization).toBe(authOf(ACCOUNT_SID, AUTH_TOKEN));
    await runTwk(["api", "messages", "list", "--limit", "1", "--profile", "p"], envCreds);
    expect(fake.requests.at(-1)!.headers.authorization).toBe(authOf(API_KEY, API_SECRET));
    const wrong = await runTwk(["api", "messages", "list", "--limit", "1", "--auth-token", "bad-token-xyz", "--auth-account-sid", ACCOUNT_SID], envCreds);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).not.toContain("bad-token-xyz");
  });

  it("selects a profile with TWILIO_PROFILE", async () => {
    await runTwk(["login", "--profile", "sandbox", "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN, "--base-url", fake.url, "--no-use"], home.env);
    const result = await runTwk(["api", "messages", "list", "--limit", "1"], { ...home.env, TWILIO_PROFILE: "sandbox" });
    expect(result.code).toBe(0);
    const missing = await runTwk(["api", "messages", "list"], { ...home.env, TWILIO_PROFILE: "nope" });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("profiles: sandbox");
  });

  it("reads twilio-cli profiles read-only and uses its active one", async () => {
    const dir = join(home.home, ".twilio-cli");
    mkdirSync(dir);
    const original = JSON.stringify({ activeProfile: "legacy", profiles: { legacy: { accountSid: ACCOUNT_SID, apiKey: API_KEY, apiSecret: API_SECRET } } });
    writeFileSync(join(dir, "config.json"), original);
    const list = JSON.parse((await runTwk(["profiles", "list", "-o", "json"], home.env)).stdout);
    expect(list).toEqual([expect.objectContaining({ name: "legacy", source: "twilio-cli", active: true })]);
    const result = await runTwk(["api", "messages", "list", "--limit", "1", "--base-url", fake.url], home.env);
    expect(result.code).toBe(0);
    expect(fake.requests.at(-1)!.headers.authorization).toBe(authOf(API_KEY, API_SECRET));
    expect((await runTwk(["profiles", "remove", "legacy"], home.env)).code).toBe(2);
    expect(readFileSync(join(dir, "config.json"), "utf8")).toBe(original);
  });
});
