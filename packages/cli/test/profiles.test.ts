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

describe("twk profiles import", () => {
  const cliDir = () => join(home.home, ".twilio-cli");
  /** Writes a twilio-cli config (0644, as twilio-cli leaves it) and returns a snapshot check. */
  function twilioCliConfig(config: unknown, dir = cliDir()): { path: string; unchanged: () => void } {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "config.json");
    const text = JSON.stringify(config, null, 2);
    writeFileSync(path, text, { mode: 0o644 });
    const before = statSync(path);
    return {
      path,
      unchanged: () => {
        const after = statSync(path);
        expect(readFileSync(path, "utf8")).toBe(text);
        expect([after.mtimeMs, after.mode]).toEqual([before.mtimeMs, before.mode]);
      },
    };
  }
  const KEY_2 = `SK${"c".repeat(32)}`;
  const SECRET_2 = "second-api-secret-abcdef";
  // The shape twilio-cli 6 writes (cli-core's Config.save): note `activeProject`, and `edge` at the top.
  const saved = () => ({
    edge: "sydney",
    email: {},
    prompts: {},
    projects: [],
    profiles: {
      default: { accountSid: ACCOUNT_SID, region: "au1", apiKey: API_KEY, apiSecret: API_SECRET },
      eu: { accountSid: ACCOUNT_SID, region: "ie1", edge: "dublin", apiKey: KEY_2, apiSecret: SECRET_2 },
    },
    activeProject: "eu",
  });

  it("copies twilio-cli's profiles into twk's 0600 config, leaving twilio-cli's file untouched and never printing a secret", async () => {
    const source = twilioCliConfig(saved());
    const result = await runTwk(["profiles", "import", "-o", "json"], home.env);
    expect(result.code).toBe(0);
    for (const secret of [API_SECRET, SECRET_2]) expect(result.stdout + result.stderr).not.toContain(secret);
    expect(JSON.parse(result.stdout)).toEqual([
      { name: "default", status: "imported", account_sid: ACCOUNT_SID, api_key: API_KEY, region: "au1", edge: "sydney", note: null },
      { name: "eu", status: "imported", account_sid: ACCOUNT_SID, api_key: KEY_2, region: "ie1", edge: "dublin", note: null },
    ]);
    expect(result.stderr).toContain("imported 2 of 2 profiles");
    expect(result.stderr).toContain("active profile: eu");
    expect(statSync(configFile()).mode & 0o777).toBe(0o600);
    const config = JSON.parse(readFileSync(configFile(), "utf8"));
    expect(config.activeProfile).toBe("eu");
    expect(config.profiles.eu).toEqual({ accountSid: ACCOUNT_SID, apiKey: KEY_2, apiSecret: SECRET_2, region: "ie1", edge: "dublin" });
    source.unchanged();
    // The copies are twk's own now, and they work.
    const list = JSON.parse((await runTwk(["profiles", "list", "-o", "json"], home.env)).stdout);
    expect(list).toEqual([
      expect.objectContaining({ name: "default", source: "twilio-kit", region: "au1", edge: "sydney" }),
      expect.objectContaining({ name: "eu", source: "twilio-kit", active: true, region: "ie1", edge: "dublin" }),
    ]);
    // (the fake knows one API key: the one of "default")
    const call = await runTwk(["api", "messages", "list", "--limit", "1", "--base-url", fake.url, "--profile", "default"], home.env);
    expect(call.code).toBe(0);
    expect(fake.requests.at(-1)!.headers.authorization).toBe(authOf(API_KEY, API_SECRET));
    source.unchanged();
  });

  it("imports only the named profiles and keeps twk's active profile", async () => {
    twilioCliConfig(saved());
    await runTwk(["login", "--profile", "mine", "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN], home.env);
    const result = await runTwk(["profiles", "import", "default", "-o", "json"], home.env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).map((r: { name: string }) => r.name)).toEqual(["default"]);
    const config = JSON.parse(readFileSync(configFile(), "utf8"));
    expect(Object.keys(config.profiles)).toEqual(["mine", "default"]);
    expect(config.activeProfile).toBe("mine");
  });

  it("keeps twk's profile of the same name unless --force", async () => {
    twilioCliConfig(saved());
    await runTwk(["login", "--profile", "default", "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN], home.env);
    const kept = await runTwk(["profiles", "import", "default", "-o", "json"], home.env);
    expect(kept.code).toBe(0);
    expect(JSON.parse(kept.stdout)[0]).toMatchObject({ status: "exists" });
    expect(kept.stderr).toContain("--force replaces it");
    expect(JSON.parse(readFileSync(configFile(), "utf8")).profiles.default.authToken).toBe(AUTH_TOKEN);
    const forced = await runTwk(["profiles", "import", "default", "--force", "-o", "json"], home.env);
    expect(JSON.parse(forced.stdout)[0]).toMatchObject({ status: "imported" });
    expect(JSON.parse(readFileSync(configFile(), "utf8")).profiles.default).toEqual({ accountSid: ACCOUNT_SID, apiKey: API_KEY, apiSecret: API_SECRET, region: "au1", edge: "sydney" });
  });

  it("imports a profile whose secret is in the system keychain without it, and says how to supply it", async () => {
    // twilio-cli with keychain storage writes no apiSecret; < 2.0 kept even the key there (`projects`).
    const source = twilioCliConfig({ profiles: { keyed: { accountSid: ACCOUNT_SID, apiKey: API_KEY, region: "ie1" } }, projects: [{ id: "old", accountSid: ACCOUNT_SID }], activeProject: "keyed" });
    const result = await runTwk(["profiles", "import", "-o", "json"], home.env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({ name: "keyed", status: "no-secret", api_key: API_KEY }),
      expect.objectContaining({ name: "old", status: "no-secret", api_key: null }),
    ]);
    expect(result.stderr).toContain(`keyed: no secret imported; supply the secret of ${API_KEY} with: echo "$SECRET" | twk login --profile keyed --secret-stdin`);
    expect(result.stderr).toContain("old: no secret imported; supply its auth token");
    const unusable = await runTwk(["api", "messages", "list", "--base-url", fake.url], home.env);
    expect(unusable.code).toBe(3);
    expect(unusable.stderr).toContain("profile keyed has no API secret");
    // login completes the imported profile: same SID, key and region, the secret from stdin
    const login = await runTwk(["login", "--profile", "keyed", "--secret-stdin"], home.env, { input: `${API_SECRET}\n` });
    expect(login.code).toBe(0);
    expect(JSON.parse(readFileSync(configFile(), "utf8")).profiles.keyed).toEqual({ accountSid: ACCOUNT_SID, apiKey: API_KEY, apiSecret: API_SECRET, region: "ie1" });
    const call = await runTwk(["api", "messages", "list", "--limit", "1", "--base-url", fake.url], home.env);
    expect(call.code).toBe(0);
    expect(fake.requests.at(-1)!.headers.authorization).toBe(authOf(API_KEY, API_SECRET));
    source.unchanged();
  });

  it("reads --from, then TWILIO_CONFIG_DIR, as twilio-cli does", async () => {
    const elsewhere = twilioCliConfig(saved(), join(home.home, "elsewhere"));
    const fromFlag = await runTwk(["profiles", "import", "eu", "--from", elsewhere.path, "-o", "json"], home.env);
    expect(fromFlag.code).toBe(0);
    const fromEnv = await runTwk(["profiles", "import", "default", "-o", "json"], { ...home.env, TWILIO_CONFIG_DIR: join(home.home, "elsewhere") });
    expect(fromEnv.code).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(configFile(), "utf8")).profiles)).toEqual(["eu", "default"]);
  });

  it("names what is wrong with bad input, without quoting a secret", async () => {
    const missing = await runTwk(["profiles", "import"], home.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`no twilio-cli config at ${join(cliDir(), "config.json")}`);
    expect(missing.stderr).toContain("--from");

    mkdirSync(cliDir());
    writeFileSync(join(cliDir(), "config.json"), `{"profiles": {"x": {"apiSecret": "${API_SECRET}"`);
    const broken = await runTwk(["profiles", "import"], home.env);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("config.json is not valid JSON");
    expect(broken.stderr).not.toContain(API_SECRET);

    twilioCliConfig({ profiles: { ok: { accountSid: ACCOUNT_SID, apiKey: API_KEY, apiSecret: API_SECRET }, bad: { accountSid: "AC123", apiKey: API_KEY, apiSecret: API_SECRET } } });
    const unknown = await runTwk(["profiles", "import", "nope"], home.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no twilio-cli profile named "nope"');
    expect(unknown.stderr).toContain("profiles there: ok, bad");
    const partly = await runTwk(["profiles", "import", "-o", "json"], home.env);
    expect(partly.code).toBe(0);
    expect(JSON.parse(partly.stdout)).toEqual([expect.objectContaining({ name: "ok", status: "imported" }), expect.objectContaining({ name: "bad", status: "invalid", note: "the account SID is not AC followed by 32 hex digits" })]);
    expect(partly.stderr).toContain("bad: not imported: the account SID is not AC followed by 32 hex digits");
    expect(partly.stdout + partly.stderr).not.toContain(API_SECRET);

    const misplaced = await runTwk(["profiles", "list", "--from", "x"], home.env);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain("--from only applies to `twk profiles import`");
  });

  it("never quotes a secret when twk's own config is broken", async () => {
    mkdirSync(join(home.env.XDG_CONFIG_HOME!, "twilio-kit"), { recursive: true });
    writeFileSync(configFile(), `{"profiles": {"x": {"authToken": "${AUTH_TOKEN}"`);
    const result = await runTwk(["profiles", "list"], home.env);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("not valid JSON");
    expect(result.stderr).not.toContain(AUTH_TOKEN);
  });
});

describe("region and edge from the command line", () => {
  it("stores --region and --edge in a profile and lists them", async () => {
    await runTwk(["login", "--profile", "eu", "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN, "--region", "ie1", "--edge", "dublin"], home.env);
    const list = JSON.parse((await runTwk(["profiles", "list", "-o", "json"], home.env)).stdout);
    expect(list).toEqual([expect.objectContaining({ name: "eu", region: "ie1", edge: "dublin" })]);
  });

  it("rejects a malformed region or edge before sending anything", async () => {
    const env = { ...home.env, TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_BASE_URL: fake.url };
    const sent = fake.requests.length;
    const flag = await runTwk(["api", "messages", "list", "--region", "ie1.evil.example"], env);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--region must be letters, digits and dashes (e.g. ie1), got "ie1.evil.example"');
    const fromEnv = await runTwk(["send", "sms", "--to", "+15558675310", "--from", "+15017122661", "--body", "hi"], { ...env, TWILIO_EDGE: "dub lin" });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain("TWILIO_EDGE must be letters, digits and dashes");
    expect(fake.requests.length).toBe(sent);
  });
});
