// End to end against @twilio-kit/sandbox: generated and hand-written commands, the sandbox profile,
// the phone commands, and a webhook the sandbox signed checked with `twk webhook verify`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startSandbox, type SandboxHandle } from "@twilio-kit/sandbox";
import { runTwk, tempHome, type RunResult, type TempHome } from "./helpers/run-twk.js";

let sandbox: SandboxHandle;
let home: TempHome;
let env: NodeJS.ProcessEnv;
let app: Server;
let appUrl: string;
const received: { url: string; signature: string; body: string }[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual" });
  home = tempHome();
  env = { ...home.env, TWILIO_ACCOUNT_SID: sandbox.accountSid, TWILIO_AUTH_TOKEN: sandbox.authToken, TWILIO_BASE_URL: sandbox.url };
  // The user's app: answers SMS webhooks with a TwiML reply and records what it got.
  app = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    received.push({ url: `${appUrl}${req.url}`, signature: String(req.headers["x-twilio-signature"] ?? ""), body });
    res.writeHead(200, { "Content-Type": "text/xml" });
    res.end('<?xml version="1.0" encoding="UTF-8"?><Response><Message>Got it</Message></Response>');
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sandbox.stop();
  await new Promise((resolve) => app.close(resolve));
  home.cleanup();
});

describe("twk against the sandbox", () => {
  it("sends an SMS with `twk send sms` and lists it with the generated command", async () => {
    const sent = await runTwk(["send", "sms", "--to", "+15558675310", "--from", sandbox.phoneNumber, "--body", "from twk", "-o", "json"], env);
    expect(sent.code).toBe(0);
    const message = JSON.parse(sent.stdout);
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    const listed = await runTwk(["api", "messages", "list", "--to", "+15558675310", "-o", "ndjson"], env);
    expect(listed.stdout.trimEnd().split("\n").map((l) => JSON.parse(l).sid)).toContain(message.sid);
    const fetched = await runTwk(["api", "messages", "fetch", message.sid, "-o", "json"], env);
    expect(JSON.parse(fetched.stdout).body).toBe("from twk");
  });

  it("reports the sandbox's Twilio error code with exit 4", async () => {
    const result = await runTwk(["api", "messages", "create", "--to", "+15558675310", "--from", sandbox.phoneNumber, "-o", "json"], env);
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stderr).error.code).toBeTypeOf("number");
  });

  it("points a number at the app, delivers an inbound SMS, and verifies the signed webhook", async () => {
    const update = await runTwk(["phone-numbers", "update", sandbox.phoneNumber, "--sms-url", `${appUrl}/sms`, "-o", "json"], env);
    expect(update.code).toBe(0);
    expect(JSON.parse(update.stdout).sms_url).toBe(`${appUrl}/sms`);

    const inbound = await runTwk(["sandbox", "inbound", "--from", "+15558675310", "--to", sandbox.phoneNumber, "--body", "hello", "--base-url", sandbox.url, "-o", "json"], env);
    expect(inbound.code).toBe(0);
    const result = JSON.parse(inbound.stdout);
    expect(result.replies.map((r: { body: string }) => r.body)).toEqual(["Got it"]);

    const delivery = received.at(-1)!;
    const verify = await runTwk(["webhook", "verify", "--url", delivery.url, "--body", delivery.body, "--signature", delivery.signature], env);
    expect(verify).toMatchObject({ code: 0, stdout: "valid\n" });
    const tampered = await runTwk(["webhook", "verify", "--url", delivery.url, "--body", delivery.body.replace("hello", "HELLO"), "--signature", delivery.signature], env);
    expect(tampered.code).toBe(7);
  });

  it("rings a number with `twk sandbox call` and exits 4 when it has no voice URL", async () => {
    const result = await runTwk(["sandbox", "call", "--from", "+15558675310", "--to", sandbox.phoneNumber, "--base-url", sandbox.url], env);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("VoiceUrl");
  });

  it("exits 5 when no sandbox is running", async () => {
    const result = await runTwk(["sandbox", "inbound", "--from", "+1", "--to", "+2", "--base-url", "http://127.0.0.1:9"], home.env);
    expect(result.code).toBe(5);
  });

  it("starts a sandbox, saves the sandbox profile, serves commands through it and stops on SIGINT", async () => {
    const own = tempHome();
    let child: ChildProcess | undefined;
    try {
      const run = runTwk(["sandbox", "start", "--port", "0", "--db", ":memory:", "-o", "json"], own.env, { onSpawn: (c) => (child = c) });
      // the assertions run in the test's own flow: a failure fails this test, not a detached promise
      const info = JSON.parse(await firstStdoutLine(child!, run));
      const config = JSON.parse(readFileSync(join(own.env.XDG_CONFIG_HOME!, "twilio-kit", "config.json"), "utf8"));
      expect(config.profiles.sandbox.baseUrl).toBe(info.url);
      const sent = await runTwk(["--profile", "sandbox", "send", "sms", "--to", "+15558675310", "--from", info.phoneNumber, "--body", "hi", "-o", "json"], own.env);
      expect(sent.code).toBe(0);
      child!.kill("SIGINT");
      const result = await run;
      expect(result.stderr).toContain("sandbox stopped");
      expect(result.code).toBe(130);
    } finally {
      child?.kill("SIGKILL");
      own.cleanup();
    }
  });
});

/** The child's first stdout line; rejects if the process ends before printing one. */
function firstStdoutLine(child: ChildProcess, run: Promise<RunResult>): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer | string) => {
      out += d.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0]!);
    });
    run.then((r) => reject(new Error(`twk sandbox start exited ${r.code} before printing: ${r.stderr}`)), reject);
  });
}
