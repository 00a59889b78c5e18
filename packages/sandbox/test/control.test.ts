import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, startSandbox, type SandboxHandle } from "../src/index.js";
import { api, control, isSigned, startReceiver } from "./helpers.js";

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

describe("the control API", () => {
  it("describes the sandbox with its documented default credentials", async () => {
    sandbox = await startSandbox();
    const { body } = await control(sandbox.url, "GET", "/");
    expect(body).toMatchObject({ accountSid: DEFAULT_ACCOUNT_SID, authToken: DEFAULT_AUTH_TOKEN, phoneNumber: "+15555550100", url: sandbox.url, clock: { mode: "real" } });
  });

  it("resets to a fresh sandbox", async () => {
    sandbox = await startSandbox({ clock: "manual" });
    const auth = { user: sandbox.accountSid, password: sandbox.authToken };
    const path = `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`;
    await api(sandbox.url, "POST", path, { ...auth, form: { To: "+15558675310", From: sandbox.phoneNumber, Body: "x" } });
    await control(sandbox.url, "POST", "/reset");
    expect((await api(sandbox.url, "GET", path, auth)).body.messages).toEqual([]);
    expect((await api(sandbox.url, "GET", `/api/2010-04-01/Accounts/${sandbox.accountSid}/IncomingPhoneNumbers.json`, auth)).body.incoming_phone_numbers).toHaveLength(1);
  });

  it("seeds accounts with their own credentials and numbers", async () => {
    sandbox = await startSandbox({ clock: "manual" });
    const sid = `AC${"1".repeat(32)}`;
    const seeded = await control(sandbox.url, "POST", "/seed", { accounts: [{ sid, authToken: "t".repeat(32) }], numbers: [{ phoneNumber: "+15555550130", accountSid: sid }] });
    expect(seeded.status).toBe(201);
    const list = await api(sandbox.url, "GET", `/api/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json`, { user: sid, password: "t".repeat(32) });
    expect(list.body.incoming_phone_numbers[0].phone_number).toBe("+15555550130");
    expect((await control(sandbox.url, "POST", "/seed", { numbers: [{ phoneNumber: "+15555550130" }] })).status).toBe(409);
  });

  it("advances the manual clock and forces statuses with callbacks", async () => {
    sandbox = await startSandbox({ clock: "manual" });
    const receiver = await startReceiver();
    try {
      const auth = { user: sandbox.accountSid, password: sandbox.authToken };
      const { body } = await api(sandbox.url, "POST", `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, {
        ...auth,
        form: { To: "+15558675310", From: sandbox.phoneNumber, Body: "x", StatusCallback: receiver.url },
      });
      const before = (await control(sandbox.url, "GET", "/clock")).body.now;
      const advanced = await control(sandbox.url, "POST", "/clock/advance", { ms: 250 });
      expect(advanced.body.now).toBe(before + 250);
      const forced = await control(sandbox.url, "POST", `/messages/${body.sid}/status`, { Status: "undelivered", ErrorCode: 30007 });
      expect(forced.body).toMatchObject({ status: "undelivered", error_code: 30007 });
      expect(receiver.received.at(-1)!.params).toMatchObject({ MessageStatus: "undelivered", ErrorCode: "30007" });
      const log = (await control(sandbox.url, "GET", `/webhooks?sid=${body.sid}`)).body.webhooks;
      expect(log.at(-1)).toMatchObject({ kind: "message-status", status: 200, method: "POST", url: receiver.url });
      expect(log.at(-1).signature).toHaveLength(28);
      expect(typeof log.at(-1).latencyMs).toBe("number");
    } finally {
      await receiver.close();
    }
  });

  it("streams events over server-sent events", async () => {
    sandbox = await startSandbox({ clock: "manual" });
    const controller = new AbortController();
    const response = await fetch(`${sandbox.url}/_sandbox/events`, { signal: controller.signal });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.getReader();
    await api(sandbox.url, "POST", `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, {
      user: sandbox.accountSid,
      password: sandbox.authToken,
      form: { To: "+15558675310", From: sandbox.phoneNumber, Body: "streamed" },
    });
    let text = "";
    while (!text.includes("event: message.created")) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('"direction":"outbound-api"');
    controller.abort();
  });

  it("answers unknown control routes and bad bodies with 4xx", async () => {
    sandbox = await startSandbox({ clock: "manual" });
    expect((await control(sandbox.url, "GET", "/nope")).status).toBe(404);
    const bad = await fetch(`${sandbox.url}/_sandbox/clock/advance`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{not json" });
    expect(bad.status).toBe(400);
    expect((await control(sandbox.url, "POST", "/clock/advance", { ms: -1 })).status).toBe(400);
    expect((await control(sandbox.url, "POST", "/messages/inbound", { From: "+15558675310", To: "+15550000000" })).status).toBe(404);
    expect((await control(sandbox.url, "POST", `/calls/CA${"0".repeat(32)}/digits`, { Digits: "1" })).status).toBe(404);
  });
});

describe("the real clock and webhook options", () => {
  it("moves statuses on its own with the real clock", async () => {
    sandbox = await startSandbox({ delays: { sendingMs: 5, sentMs: 5, deliveredMs: 5 } });
    const { body } = await api(sandbox.url, "POST", `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, {
      user: sandbox.accountSid,
      password: sandbox.authToken,
      form: { To: "+15558675310", From: sandbox.phoneNumber, Body: "real time" },
    });
    await sandbox.waitForMessageStatus(body.sid, "delivered", { timeoutMs: 5_000 });
  });

  it("signs for publicBaseUrl while delivering to the local URL", async () => {
    sandbox = await startSandbox({ clock: "manual", publicBaseUrl: "https://app.example.com" });
    const receiver = await startReceiver(() => ({ body: "<Response/>" }));
    try {
      await control(sandbox.url, "POST", "/seed", { numbers: [{ phoneNumber: "+15555550140", smsUrl: `${receiver.url}/hooks/sms?tenant=1` }] });
      await sandbox.inboundSms({ from: "+15558675310", to: "+15555550140", body: "x" });
      const request = receiver.received[0]!;
      expect(request.headers["x-forwarded-host"]).toBe("app.example.com");
      expect(await isSigned(request, sandbox.authToken, "https://app.example.com/hooks/sms?tenant=1")).toBe(true);
      expect(await isSigned(request, sandbox.authToken)).toBe(false);
    } finally {
      await receiver.close();
    }
  });

  it("records 11205 when a webhook times out", async () => {
    sandbox = await startSandbox({ clock: "manual", webhookTimeoutMs: 50 });
    const receiver = await startReceiver(() => ({ delayMs: 1_000 }));
    try {
      await control(sandbox.url, "POST", "/seed", { numbers: [{ phoneNumber: "+15555550141", smsUrl: receiver.url }] });
      const result = await sandbox.inboundSms({ from: "+15558675310", to: "+15555550141", body: "x" });
      expect(result.deliveries[0]!.error).toMatch(/timed out/);
      expect((await control(sandbox.url, "GET", "/alerts")).body.alerts[0].error_code).toBe("11205");
    } finally {
      await receiver.close();
    }
  });

  it("gives reproducible SIDs with a seed", async () => {
    const a = await startSandbox({ clock: "manual", seed: "fixed", startTimeMs: 0 });
    const b = await startSandbox({ clock: "manual", seed: "fixed", startTimeMs: 0 });
    try {
      const form = { To: "+15558675310", From: a.phoneNumber, Body: "same" };
      const sidA = (await api(a.url, "POST", `/api/2010-04-01/Accounts/${a.accountSid}/Messages.json`, { user: a.accountSid, password: a.authToken, form })).body.sid;
      const sidB = (await api(b.url, "POST", `/api/2010-04-01/Accounts/${b.accountSid}/Messages.json`, { user: b.accountSid, password: b.authToken, form })).body.sid;
      expect(sidA).toBe(sidB);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
