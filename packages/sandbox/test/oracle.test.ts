// Compatibility oracle: the official `twilio` client, pointed at the sandbox by a request client that
// rewrites https://{domain}.twilio.com to it, runs a scripted suite; every response is checked
// against the official response schema of its operation.
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTE_ROWS } from "../src/generated/routes.js";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { createRouter } from "../src/http/route-table.js";
import { schemaProblems } from "./schema.js";
import { startReceiver } from "./helpers.js";

interface Exchange {
  method: string;
  uri: string;
  statusCode: number;
  body: unknown;
}

let sandbox: SandboxHandle;
let client: twilio.Twilio;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const exchanges: Exchange[] = [];
const router = createRouter(ROUTE_ROWS);
const specOfDomain: Record<string, string> = { api: "api_v2010", monitor: "monitor_v1" };

function createRewritingClient(base: string) {
  const inner = new twilio.RequestClient();
  return {
    async request(opts: any) {
      const rewritten = String(opts.uri).replace(/^https:\/\/([a-z0-9-]+)\.twilio\.com/, `${base}/$1`);
      const response = await inner.request({ ...opts, uri: rewritten });
      exchanges.push({ method: opts.method.toUpperCase(), uri: rewritten, statusCode: response.statusCode, body: response.body });
      return response;
    },
  };
}

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual" });
  receiver = await startReceiver();
  client = twilio(sandbox.accountSid, sandbox.authToken, { httpClient: createRewritingClient(sandbox.url) as never });
});
afterAll(async () => {
  await receiver.close();
  await sandbox.stop();
});

describe("the official twilio client against the sandbox", () => {
  it("sends, fetches, lists across pages, redacts and deletes messages", async () => {
    const sms = await client.messages.create({ to: "+15558675310", from: sandbox.phoneNumber, body: "Hello from the oracle", statusCallback: `${receiver.url}/status` });
    expect(sms.status).toBe("queued");
    expect(sms.numSegments).toBe("1");
    const mms = await client.messages.create({
      to: "+15558675310",
      from: sandbox.phoneNumber,
      body: "pictures",
      mediaUrl: ["https://example.com/1.png", "https://example.com/2.jpg", "https://example.com/3.gif"],
    });
    expect(mms.numMedia).toBe("3");
    const media = await client.messages(mms.sid).media.list();
    expect(media).toHaveLength(3);
    for (let i = 0; i < 5; i++) await client.messages.create({ to: "+15558675311", from: sandbox.phoneNumber, body: `bulk ${i}` });
    const listed = await client.messages.list({ to: "+15558675311", pageSize: 2 });
    expect(listed.map((message) => message.body)).toEqual(["bulk 4", "bulk 3", "bulk 2", "bulk 1", "bulk 0"]);
    await sandbox.advance(60_000);
    const fetched = await client.messages(sms.sid).fetch();
    expect(fetched.status).toBe("delivered");
    expect(fetched.dateSent).toBeInstanceOf(Date);
    const redacted = await client.messages(sms.sid).update({ body: "" });
    expect(redacted.body).toBe("");
    expect(await client.messages(sms.sid).remove()).toBe(true);
    expect(receiver.received.map((request) => request.params.MessageStatus)).toEqual(["sent", "delivered"]);
  });

  it("makes calls with several StatusCallbackEvent values", async () => {
    const call = await client.calls.create({
      to: "+15558675310",
      from: sandbox.phoneNumber,
      twiml: "<Response><Say>Oracle calling</Say></Response>",
      statusCallback: `${receiver.url}/call-status`,
      statusCallbackEvent: ["initiated", "ringing", "answered", "completed"],
    });
    expect(call.status).toBe("queued");
    await sandbox.advance(60_000);
    const fetched = await client.calls(call.sid).fetch();
    expect(fetched.status).toBe("completed");
    const events = receiver.received.filter((request) => request.path === "/call-status").map((request) => request.params.CallStatus);
    expect(events).toEqual(["initiated", "ringing", "in-progress", "completed"]);
    const calls = await client.calls.list({ limit: 10 });
    expect(calls.map((item) => item.sid)).toContain(call.sid);
    const live = await client.calls.create({ to: "+15558675310", from: sandbox.phoneNumber, twiml: "<Response><Pause length=\"60\"/></Response>" });
    await sandbox.advance(5_000);
    expect((await client.calls(live.sid).update({ status: "completed" })).status).toBe("completed");
  });

  it("buys, updates, lists and releases numbers", async () => {
    const [available] = await client.availablePhoneNumbers("US").local.list({ areaCode: 415, limit: 1 });
    const bought = await client.incomingPhoneNumbers.create({ phoneNumber: available!.phoneNumber, smsUrl: "https://example.com/sms" });
    expect(bought.capabilities).toMatchObject({ sms: true, voice: true });
    const updated = await client.incomingPhoneNumbers(bought.sid).update({ voiceUrl: "https://example.com/voice" });
    expect(updated.voiceUrl).toBe("https://example.com/voice");
    const numbers = await client.incomingPhoneNumbers.list();
    expect(numbers.map((number) => number.phoneNumber)).toContain(available!.phoneNumber);
    expect(await client.incomingPhoneNumbers(bought.sid).remove()).toBe(true);
  });

  it("manages subaccounts and API keys", async () => {
    const sub = await client.api.v2010.accounts.create({ friendlyName: "oracle tenant" });
    expect(sub.ownerAccountSid).toBe(sandbox.accountSid);
    expect((await client.api.v2010.accounts(sub.sid).update({ status: "suspended" })).status).toBe("suspended");
    const accounts = await client.api.v2010.accounts.list();
    expect(accounts.map((account) => account.sid)).toEqual(expect.arrayContaining([sandbox.accountSid, sub.sid]));
    const key = await client.newKeys.create({ friendlyName: "oracle key" });
    const keyed = twilio(key.sid, key.secret, { accountSid: sandbox.accountSid, httpClient: createRewritingClient(sandbox.url) as never });
    // a standard key reaches the account's resources but not the Account itself (Twilio: 401, 20003)
    expect((await keyed.messages.list({ limit: 1 })).every((message) => message.accountSid === sandbox.accountSid)).toBe(true);
    await expect(keyed.api.v2010.accounts(sandbox.accountSid).fetch()).rejects.toMatchObject({ status: 401, code: 20003 });
    expect((await client.keys.list()).map((item) => item.sid)).toContain(key.sid);
  });

  it("lists webhook failures as Monitor alerts across meta-envelope pages", async () => {
    const failing = await startReceiver(() => ({ status: 500, body: "down" }));
    try {
      const number = await client.incomingPhoneNumbers.create({ phoneNumber: "+15555550190", smsUrl: `${failing.url}/sms` });
      for (let i = 0; i < 3; i++) await sandbox.inboundSms({ from: "+15558675310", to: number.phoneNumber, body: `try ${i}` });
      const alerts = await client.monitor.v1.alerts.list({ pageSize: 2 });
      expect(alerts).toHaveLength(3);
      expect(alerts[0]!.errorCode).toBe("11200");
      const one = await client.monitor.v1.alerts(alerts[0]!.sid).fetch();
      expect(one.requestUrl).toBe(`${failing.url}/sms`);
      expect(one.responseBody).toBe("down");
    } finally {
      await failing.close();
    }
  });

  it("surfaces errors as RestException with code and moreInfo", async () => {
    const error = await client.messages.create({ to: "+15005550001", from: "+15005550006", body: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(twilio.RestException);
    expect(error).toMatchObject({ status: 400, code: 21211, moreInfo: "https://www.twilio.com/docs/errors/21211" });
    const bad = twilio(sandbox.accountSid, "wrong-token", { httpClient: createRewritingClient(sandbox.url) as never });
    const auth = await bad.messages.list().catch((e: unknown) => e);
    expect(auth).toMatchObject({ status: 401, code: 20003 });
  });

  it("answered every successful request with a body valid against the official response schema", () => {
    const checked = exchanges.filter((exchange) => exchange.statusCode >= 200 && exchange.statusCode < 300 && exchange.statusCode !== 204);
    expect(checked.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const exchange of checked) {
      const url = new URL(exchange.uri);
      const [, domain, ...rest] = url.pathname.split("/");
      const match = router.match(exchange.method, domain!, `/${rest.join("/")}`);
      if (match.kind !== "operation") {
        problems.push(`${exchange.method} ${url.pathname}: no operation`);
        continue;
      }
      const body = typeof exchange.body === "string" ? JSON.parse(exchange.body) : exchange.body;
      for (const problem of schemaProblems(specOfDomain[domain!]!, match.operation.path, exchange.method, body)) {
        problems.push(`${match.operation.operationId}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
