import { startSandbox } from "@twilio-kit/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatTimeline, runSendSms } from "../src/index.js";

/** @type {Awaited<ReturnType<typeof startSandbox>>} */
let sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterEach(async () => {
  await sandbox.stop();
});

/** Sends through the sandbox; the manual clock moves only once the API accepted the message. */
async function send(to = "+15558675310", extra = {}) {
  return runSendSms({
    twilio: await sandbox.client(),
    authToken: sandbox.authToken,
    from: sandbox.phoneNumber,
    to,
    afterSend: () => sandbox.advance(10_000),
    ...extra,
  });
}

describe("runSendSms against the sandbox", () => {
  it("follows a message from queued through sent to delivered", async () => {
    const { sid, timeline } = await send();
    expect(timeline.map((e) => e.status)).toEqual(["queued", "sent", "delivered"]);
    expect(timeline[0]).toMatchObject({ source: "api", signatureVerified: false });
    const twilio = await sandbox.client();
    expect(await twilio.messages.fetch({ Sid: sid })).toMatchObject({ status: "delivered" });
  });

  it("accepts only callbacks whose signature it verified against the URL the sandbox called", async () => {
    const { timeline } = await send();
    const callbacks = timeline.filter((e) => e.source === "callback");
    expect(callbacks).toHaveLength(2);
    for (const entry of callbacks) {
      expect(entry.signatureVerified).toBe(true);
      expect(entry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/status$/);
    }
  });

  it("ends with undelivered and Twilio's error code when the carrier rejects the message", async () => {
    const { timeline } = await send("+15555530003");
    expect(timeline.at(-1)).toMatchObject({ status: "undelivered", errorCode: 30003 });
  });

  it("ends with failed and error 30008 for an unknown error", async () => {
    const { timeline } = await send("+15555530008");
    expect(timeline.at(-1)).toMatchObject({ status: "failed", errorCode: 30008 });
  });

  it("rejects a callback that is not signed with its auth token and says which URL it checked", async () => {
    const run = send("+15558675310", { authToken: "not-the-account-token" });
    await expect(run).rejects.toThrow(/failed signature validation \(mismatch\) for http:\/\/127\.0\.0\.1:\d+\/status/);
  });

  it("keeps running when clients disconnect mid-body on the callback server", async () => {
    const { createServer } = await import("node:http");
    const { connect } = await import("node:net");
    // A free port, so the test knows where the callback server listens before the message is sent.
    const probe = createServer();
    await new Promise((resolve) => probe.listen(0, "127.0.0.1", () => resolve(undefined)));
    const port = /** @type {import("node:net").AddressInfo} */ (probe.address()).port;
    await new Promise((resolve) => probe.close(() => resolve(undefined)));
    const abortMidBody = async () => {
      const socket = connect(port, "127.0.0.1");
      await new Promise((resolve) => socket.once("connect", () => resolve(undefined)));
      socket.write(`POST /status HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 10000\r\nx-twilio-signature: ${"A".repeat(27)}=\r\n\r\nMessageStatus=sent`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      socket.destroy();
    };
    const { timeline } = await send("+15558675310", {
      port,
      afterSend: async () => {
        for (let i = 0; i < 10; i++) await abortMidBody();
        await new Promise((resolve) => setTimeout(resolve, 50));
        await sandbox.advance(10_000);
      },
    });
    expect(timeline.map((e) => e.status)).toEqual(["queued", "sent", "delivered"]);
  });

  it("reports each step as it happens", async () => {
    /** @type {string[]} */
    const seen = [];
    await send("+15558675310", { onEntry: (/** @type {{ status: string }} */ e) => seen.push(e.status) });
    expect(seen).toEqual(["queued", "sent", "delivered"]);
  });
});

describe("formatTimeline", () => {
  it("writes one line per step with the source and the error code", () => {
    const lines = formatTimeline([
      { status: "queued", source: "api", signatureVerified: false },
      { status: "undelivered", source: "callback", signatureVerified: true, errorCode: 30003 },
    ]);
    expect(lines).toEqual(["queued      API response to the create", "undelivered status callback, signature verified (error 30003)"]);
  });
});

describe("npm start", () => {
  it("starts its own sandbox without credentials and prints the timeline until delivered", async () => {
    const { execFile } = await import("node:child_process");
    const { promisify } = await import("node:util");
    const env = { ...process.env };
    for (const name of Object.keys(env)) if (name.startsWith("TWILIO_")) delete env[name];
    const main = new URL("../src/main.js", import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, [main], { env });
    expect(stdout).toMatch(/queued[\s\S]*sent\s+status callback, signature verified[\s\S]*delivered\s+status callback, signature verified/);
    expect(stdout).toMatch(/SM[0-9a-f]{32} delivered/);
  }, 60_000);

  it("exits with code 2 and the error code's page when the message is not delivered", async () => {
    const { spawnSync } = await import("node:child_process");
    const env = { ...process.env };
    for (const name of Object.keys(env)) if (name.startsWith("TWILIO_")) delete env[name];
    const main = new URL("../src/main.js", import.meta.url).pathname;
    const result = spawnSync(process.execPath, [main, "+15555530003"], { env, encoding: "utf8" });
    expect(result.stdout).toMatch(/undelivered status callback, signature verified \(error 30003\)/);
    expect(result.stderr).toMatch(/SM[0-9a-f]{32} undelivered: error 30003, https:\/\/www\.twilio\.com\/docs\/api\/errors\/30003/);
    expect(result.status).toBe(2);
  }, 60_000);
});
