import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { ACCOUNT_SID, API_KEY, API_SECRET, AUTH_TOKEN, startFakeTwilio, type FakeTwilio } from "./helpers/fake-twilio.js";
import { TWK, runTwk, tempHome, type TempHome } from "./helpers/run-twk.js";

let fake: FakeTwilio;
let home: TempHome;
let env: NodeJS.ProcessEnv;
const SUB = `AC${"c".repeat(32)}`;

beforeAll(async () => {
  fake = await startFakeTwilio();
  home = tempHome();
  env = { ...home.env, TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_BASE_URL: fake.url };
});
afterAll(async () => {
  await fake.close();
  home.cleanup();
});
beforeEach(() => {
  fake.requests.length = 0;
});

async function seed(count: number, to = "+15550000001"): Promise<void> {
  for (let i = 0; i < count; i++) {
    const result = await runTwk(["api", "messages", "create", "--to", to, "--from", "+15017122661", "--body", `seed ${i}`], env);
    expect(result.code).toBe(0);
  }
}

describe("generated api commands", () => {
  it("creates a message with the wire names, repeated array flags and one JSON object out", async () => {
    const result = await runTwk(
      ["api", "messages", "create", "--to", "+15558675310", "--from", "+15017122661", "--body", "hi", "--media-url", "https://a.example/1.png", "--media-url", "https://a.example/2.png", "--send-as-mms", "-o", "json"],
      env,
    );
    expect(result.code).toBe(0);
    const request = fake.requests.at(-1)!;
    expect(request.path).toBe(`/api/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request.form.get("To")).toBe("+15558675310");
    expect(request.form.getAll("MediaUrl")).toEqual(["https://a.example/1.png", "https://a.example/2.png"]);
    expect(request.form.get("SendAsMms")).toBe("true");
    expect(request.headers["user-agent"]).toMatch(/twk\//);
    const message = JSON.parse(result.stdout);
    expect(message).toMatchObject({ to: "+15558675310", status: "queued", num_media: "2" });
  });

  it("acts on a subaccount with --account-sid", async () => {
    const result = await runTwk(["api", "messages", "create", "--account-sid", SUB, "--to", "+15558675310", "--from", "+15017122661", "--body", "hi"], env);
    expect(result.code).toBe(0);
    expect(fake.requests.at(-1)!.path).toBe(`/api/2010-04-01/Accounts/${SUB}/Messages.json`);
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`);
  });

  it("keeps an operation's own --region apart from twk's, which becomes --twk-region", async () => {
    const address = ["api", "addresses", "create", "--customer-name", "n", "--street", "s", "--city", "c", "--postal-code", "p", "--iso-country", "US"];
    await runTwk([...address, "--region", "CA", "--twk-region", "ie1"], env);
    expect(fake.requests.at(-1)!.form.get("Region")).toBe("CA");
    const bad = await runTwk([...address, "--region", "CA", "--twk-region", "ie1!"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--twk-region must be letters, digits and dashes");
  });

  it("fetches by a positional SID and prints the spec's default columns as a table", async () => {
    const created = JSON.parse((await runTwk(["api", "messages", "create", "--to", "+15550000009", "--from", "+15017122661", "--body", "x", "-o", "json"], env)).stdout);
    const result = await runTwk(["api", "messages", "fetch", created.sid, "-o", "table"], env);
    expect(result.code).toBe(0);
    const [header, row] = result.stdout.trimEnd().split("\n");
    expect(header!.split(/\s+/)).toEqual(["SID", "FROM", "TO", "STATUS", "DIRECTION", "DATE_SENT"]);
    expect(row).toContain(created.sid);
  });

  describe("lists of three seeded messages", () => {
    // each list test reads the same three messages, seeded here so no test depends on another
    beforeAll(() => seed(3, "+15550000002"));

    it("streams a list as ndjson, one object a line", async () => {
      const result = await runTwk(["api", "messages", "list", "--to", "+15550000002", "-o", "ndjson"], env);
      expect(result.code).toBe(0);
      const lines = result.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
      expect(lines).toHaveLength(3);
      expect(fake.requests.at(-1)!.query.get("To")).toBe("+15550000002");
    });

    it("prints a list as one JSON array with -o json", async () => {
      const result = await runTwk(["api", "messages", "list", "--to", "+15550000002", "-o", "json"], env);
      expect(JSON.parse(result.stdout)).toHaveLength(3);
      const empty = await runTwk(["api", "messages", "list", "--to", "+19999999999", "-o", "json"], env);
      expect(JSON.parse(empty.stdout)).toEqual([]);
    });

    it("prints csv with --properties as the columns", async () => {
      const result = await runTwk(["api", "messages", "list", "--to", "+15550000002", "-o", "csv", "--properties", "to,body"], env);
      expect(result.code).toBe(0);
      const lines = result.stdout.trimEnd().split("\n");
      expect(lines[0]).toBe("to,body");
      expect(lines.slice(1).sort()).toEqual(["+15550000002,seed 0", "+15550000002,seed 1", "+15550000002,seed 2"]);
    });

    it("defaults to json when stdout is not a terminal", async () => {
      const result = await runTwk(["api", "messages", "list", "--to", "+15550000002"], env);
      expect(Array.isArray(JSON.parse(result.stdout))).toBe(true);
    });

    it("stops at --limit and sizes pages to the limit", async () => {
      const result = await runTwk(["api", "messages", "list", "--to", "+15550000002", "--limit", "2", "-o", "ndjson"], env);
      expect(result.stdout.trimEnd().split("\n")).toHaveLength(2);
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0]!.query.get("PageSize")).toBe("2");
    });

    it("follows every page with --no-limit (v2010 next_page_uri)", async () => {
      const result = await runTwk(["api", "messages", "list", "--to", "+15550000002", "--no-limit", "--page-size", "1", "-o", "ndjson"], env);
      expect(result.stdout.trimEnd().split("\n")).toHaveLength(3);
      expect(fake.requests.length).toBeGreaterThanOrEqual(3);
    });
  });

  it("follows meta.next_page_url of the newer domains to the sandbox base", async () => {
    const result = await runTwk(["api", "messaging", "v1", "services", "list", "--no-limit", "--page-size", "3", "-o", "ndjson"], env);
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split("\n")).toHaveLength(7);
    expect(fake.requests.map((r) => r.path)).toEqual(Array(3).fill("/messaging/v1/Services"));
  });

  it("runs a nested product command with a positional parent SID", async () => {
    const service = `VA${"0".repeat(31)}9`;
    const result = await runTwk(["api", "verify", "v2", "services", "verifications", "create", service, "--to", "+15558675310", "--channel", "sms", "-o", "json"], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: "pending", channel: "sms" });
  });

  it("exits 4 on an API error and reports the full Twilio code in -o json error output", async () => {
    const result = await runTwk(["api", "messages", "create", "--to", "+15005550001", "--from", "+15017122661", "--body", "x", "-o", "json"], env);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe("");
    const { error } = JSON.parse(result.stderr);
    expect(error).toMatchObject({ kind: "api", exit_code: 4, status: 400, code: 21211, more_info: "https://www.twilio.com/docs/errors/21211" });
  });

  it("prints the Twilio code and docs link on stderr by default", async () => {
    const result = await runTwk(["api", "messages", "fetch", `SM${"f".repeat(32)}`], env);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("Twilio error 20404 (HTTP 404)");
    expect(result.stderr).toContain("https://www.twilio.com/docs/errors/20404");
  });

  it("exits 3 when Twilio rejects the credentials, without printing them", async () => {
    const result = await runTwk(["api", "messages", "list", "-o", "json"], { ...env, TWILIO_AUTH_TOKEN: "wrong-token-value" });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stderr).error).toMatchObject({ kind: "auth", code: 20003, status: 401 });
    expect(result.stderr + result.stdout).not.toContain("wrong-token-value");
  });

  it("authenticates with an API key and secret from the environment", async () => {
    const keyEnv = { ...home.env, TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_API_KEY: API_KEY, TWILIO_API_SECRET: API_SECRET, TWILIO_BASE_URL: fake.url };
    const result = await runTwk(["api", "messages", "list", "--limit", "1"], keyEnv);
    expect(result.code).toBe(0);
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString("base64")}`);
  });

  it("exits 5 when nothing answers", async () => {
    const result = await runTwk(["api", "messages", "list", "--base-url", "http://127.0.0.1:9", "-o", "json"], env);
    expect(result.code).toBe(5);
    expect(JSON.parse(result.stderr).error.kind).toBe("network");
  });

  it("ends quietly with exit 0 when the reader closes the pipe early (| head)", async () => {
    await seed(2, "+15550000020");
    let closed = false;
    const result = await runTwk(["api", "messages", "list", "--no-limit", "--page-size", "1", "-o", "ndjson"], env, {
      onSpawn: (child) => {
        child.stdout!.once("data", () => {
          closed = true;
          child.stdout!.destroy();
        });
      },
    });
    expect(closed).toBe(true);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  });

  it("streams 200,000 items with --no-limit in a 48 MiB heap", async () => {
    // A buffered list of this size needs several hundred MiB: with the old space capped, only a
    // streaming implementation finishes.
    const result = await new Promise<{ code: number | null; lines: number; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--max-old-space-size=48", TWK, "api", "messages", "list", "--to", "+19900200000", "--no-limit", "--page-size", "1000", "-o", "ndjson"], { env });
      let lines = 0;
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => {
        for (const byte of d) if (byte === 10) lines++;
      });
      child.stderr.on("data", (d: Buffer) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, lines, stderr }));
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.lines).toBe(200_000);
  });

  it("prints nothing on stdout for a delete (204)", async () => {
    const created = JSON.parse((await runTwk(["send", "sms", "--to", "+15550000010", "--from", "+15017122661", "--body", "x", "-o", "json"], env)).stdout);
    const result = await runTwk(["api", "messages", "delete", created.sid], env);
    expect(result).toMatchObject({ code: 0, stdout: "" });
    expect(fake.requests.at(-1)!.method).toBe("DELETE");
  });
});
