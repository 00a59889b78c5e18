import { request as httpRequest } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { api } from "./helpers.js";

let sandbox: SandboxHandle;
const asMain = (method: string, path: string, form?: Record<string, string>) =>
  api(sandbox.url, method, `/api/2010-04-01${path}`, { user: sandbox.accountSid, password: sandbox.authToken, form });

beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterEach(() => sandbox.stop());

describe("authentication", () => {
  it("rejects a wrong auth token with 401 and code 20003", async () => {
    const result = await api(sandbox.url, "GET", `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, { user: sandbox.accountSid, password: "wrong" });
    expect(result).toMatchObject({ status: 401, body: { code: 20003, status: 401, more_info: "https://www.twilio.com/docs/errors/20003" } });
  });

  it("rejects a request without credentials", async () => {
    const response = await fetch(`${sandbox.url}/api/2010-04-01/Accounts/${sandbox.accountSid}.json`);
    expect(response.status).toBe(401);
    expect((await response.json()).code).toBe(20003);
  });

  it("accepts an API key created through the Keys resource, and stops after it is deleted", async () => {
    const key = await asMain("POST", `/Accounts/${sandbox.accountSid}/Keys.json`, { FriendlyName: "ci" });
    expect(key.status).toBe(201);
    expect(key.body.sid).toMatch(/^SK[0-9a-f]{32}$/);
    expect(key.body.secret).toHaveLength(32);
    // a standard key reaches the account's resources (not the Account itself: see api-keys.test.ts)
    const path = `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`;
    expect((await api(sandbox.url, "GET", path, { user: key.body.sid, password: key.body.secret })).status).toBe(200);
    const fetched = await asMain("GET", `/Accounts/${sandbox.accountSid}/Keys/${key.body.sid}.json`);
    expect(fetched.body.secret).toBeUndefined();
    expect((await asMain("DELETE", `/Accounts/${sandbox.accountSid}/Keys/${key.body.sid}.json`)).status).toBe(204);
    expect((await api(sandbox.url, "GET", path, { user: key.body.sid, password: key.body.secret })).status).toBe(401);
  });
});

describe("subaccounts", () => {
  it("creates, lists and fetches subaccounts with their own credentials", async () => {
    const sub = await asMain("POST", "/Accounts.json", { FriendlyName: "tenant-a" });
    expect(sub.status).toBe(201);
    expect(sub.body).toMatchObject({ friendly_name: "tenant-a", owner_account_sid: sandbox.accountSid, status: "active", type: "Full" });
    const list = await asMain("GET", "/Accounts.json");
    expect(list.body.accounts.map((account: { sid: string }) => account.sid)).toEqual([sandbox.accountSid, sub.body.sid]);
    const filtered = await asMain("GET", "/Accounts.json?FriendlyName=tenant-a");
    expect(filtered.body.accounts).toHaveLength(1);
    const own = await api(sandbox.url, "GET", `/api/2010-04-01/Accounts/${sub.body.sid}.json`, { user: sub.body.sid, password: sub.body.auth_token });
    expect(own.status).toBe(200);
  });

  it("lets a parent reach its subaccounts but not a subaccount its parent or siblings", async () => {
    const a = (await asMain("POST", "/Accounts.json", { FriendlyName: "a" })).body;
    const b = (await asMain("POST", "/Accounts.json", { FriendlyName: "b" })).body;
    const asA = (path: string) => api(sandbox.url, "GET", `/api/2010-04-01${path}`, { user: a.sid, password: a.auth_token });
    expect((await asMain("GET", `/Accounts/${a.sid}/Messages.json`)).status).toBe(200);
    expect((await asA(`/Accounts/${sandbox.accountSid}/Messages.json`)).body.code).toBe(20003);
    expect((await asA(`/Accounts/${b.sid}.json`)).body.code).toBe(20003);
    expect((await asA(`/Accounts.json`)).body.accounts.map((account: { sid: string }) => account.sid)).toEqual([a.sid]);
  });

  it("keeps messages of one account invisible to another", async () => {
    const a = (await asMain("POST", "/Accounts.json", { FriendlyName: "a" })).body;
    const sent = await asMain("POST", `/Accounts/${sandbox.accountSid}/Messages.json`, { To: "+15558675310", From: sandbox.phoneNumber, Body: "private" });
    const asA = (path: string) => api(sandbox.url, "GET", `/api/2010-04-01${path}`, { user: a.sid, password: a.auth_token });
    expect((await asA(`/Accounts/${a.sid}/Messages.json`)).body.messages).toEqual([]);
    expect((await asA(`/Accounts/${a.sid}/Messages/${sent.body.sid}.json`)).status).toBe(404);
    // and a subaccount cannot send from its parent's number
    const fromParent = await api(sandbox.url, "POST", `/api/2010-04-01/Accounts/${a.sid}/Messages.json`, {
      user: a.sid,
      password: a.auth_token,
      form: { To: "+15558675310", From: sandbox.phoneNumber, Body: "x" },
    });
    expect(fromParent.body.code).toBe(21606);
  });

  it("suspends and closes a subaccount", async () => {
    const sub = (await asMain("POST", "/Accounts.json", {})).body;
    const asSub = () => api(sandbox.url, "GET", `/api/2010-04-01/Accounts/${sub.sid}.json`, { user: sub.sid, password: sub.auth_token });
    expect((await asMain("POST", `/Accounts/${sub.sid}.json`, { Status: "suspended" })).body.status).toBe("suspended");
    expect((await asSub()).status).toBe(401);
    expect((await asMain("POST", `/Accounts/${sub.sid}.json`, { Status: "active" })).body.status).toBe("active");
    expect((await asSub()).status).toBe(200);
    expect((await asMain("POST", `/Accounts/${sub.sid}.json`, { Status: "closed" })).body.status).toBe("closed");
    expect((await asMain("POST", `/Accounts/${sub.sid}.json`, { Status: "active" })).status).toBe(400);
    expect((await asSub()).body.code).toBe(20003);
  });

  it("moves a number from the parent to a subaccount", async () => {
    const sub = (await asMain("POST", "/Accounts.json", {})).body;
    const bought = (await asMain("POST", `/Accounts/${sandbox.accountSid}/IncomingPhoneNumbers.json`, { PhoneNumber: "+15555550150" })).body;
    const moved = await asMain("POST", `/Accounts/${sandbox.accountSid}/IncomingPhoneNumbers/${bought.sid}.json`, { AccountSid: sub.sid });
    expect(moved.body.account_sid).toBe(sub.sid);
    expect((await asMain("GET", `/Accounts/${sub.sid}/IncomingPhoneNumbers.json`)).body.incoming_phone_numbers).toHaveLength(1);
  });
});

describe("routing", () => {
  it("routes by Host header for clients behind a proxy", async () => {
    // fetch() may not set Host: go through node:http as a forward proxy would
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        `${sandbox.url}/2010-04-01/Accounts/${sandbox.accountSid}.json`,
        { headers: { Host: "api.twilio.com", Authorization: `Basic ${Buffer.from(`${sandbox.accountSid}:${sandbox.authToken}`).toString("base64")}` } },
        (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => (text += chunk));
          response.on("end", () => resolve({ status: response.statusCode!, body: text }));
        },
      );
      request.on("error", reject);
      request.end();
    });
    expect(status).toBe(200);
    expect(JSON.parse(body).sid).toBe(sandbox.accountSid);
  });

  it("answers an operation of another spec with a Twilio-shaped not-emulated error", async () => {
    const result = await api(sandbox.url, "POST", "/sync/v1/Services", { user: sandbox.accountSid, password: sandbox.authToken, form: { FriendlyName: "x" } });
    expect(result.status).toBe(501);
    expect(result.body.message).toContain("CreateService");
    expect(result.body.message).toContain("not emulated");
    expect(result.body.code).toBe(20501);
  });

  it("answers unknown paths with 20404 and wrong methods with 20004", async () => {
    expect((await asMain("GET", "/Nope.json")).body.code).toBe(20404);
    const wrongMethod = await api(sandbox.url, "PUT", `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, { user: sandbox.accountSid, password: sandbox.authToken });
    expect(wrongMethod.body).toMatchObject({ status: 405, code: 20004 });
  });

  it("validates params against the spec: types, ranges and SID patterns", async () => {
    expect((await asMain("GET", `/Accounts/${sandbox.accountSid}/Messages.json?PageSize=5000`)).body).toMatchObject({ status: 400, code: 20001 });
    expect((await asMain("GET", `/Accounts/${sandbox.accountSid}/Messages.json?PageSize=abc`)).status).toBe(400);
    expect((await asMain("GET", `/Accounts/${sandbox.accountSid}/Messages/XX123.json`)).status).toBe(404);
    expect((await asMain("GET", `/Accounts/${sandbox.accountSid}/Messages.json?PageToken=garbage`)).body.code).toBe(21481);
  });
});

describe("phone numbers", () => {
  const numbers = () => `/Accounts/${sandbox.accountSid}/IncomingPhoneNumbers.json`;

  it("buys, updates, lists and releases a number", async () => {
    const bought = await asMain("POST", numbers(), { PhoneNumber: "+15555550160", SmsUrl: "https://example.com/sms", FriendlyName: "support" });
    expect(bought.status).toBe(201);
    expect(bought.body).toMatchObject({ phone_number: "+15555550160", sms_url: "https://example.com/sms", sms_method: "POST", capabilities: { sms: true, voice: true, mms: true } });
    const updated = await asMain("POST", `/Accounts/${sandbox.accountSid}/IncomingPhoneNumbers/${bought.body.sid}.json`, { VoiceUrl: "https://example.com/voice", VoiceMethod: "get" });
    expect(updated.body).toMatchObject({ voice_url: "https://example.com/voice", voice_method: "GET" });
    const list = await asMain("GET", `${numbers()}?PhoneNumber=%2B15555550160`);
    expect(list.body.incoming_phone_numbers).toHaveLength(1);
    expect((await asMain("DELETE", `/Accounts/${sandbox.accountSid}/IncomingPhoneNumbers/${bought.body.sid}.json`)).status).toBe(204);
  });

  it.each([
    [{ PhoneNumber: "+15005550000" }, 21422],
    [{ PhoneNumber: "+15005550001" }, 21421],
    [{ AreaCode: "533" }, 21452],
    [{ PhoneNumber: "+15555550100" }, 21422],
  ])("answers the purchase %j with %i", async (form, code) => {
    expect((await asMain("POST", numbers(), form)).body.code).toBe(code);
  });

  it("buys the magic +15005550006 through AreaCode 500 and searches available numbers", async () => {
    expect((await asMain("POST", numbers(), { AreaCode: "500" })).body.phone_number).toBe("+15005550006");
    const available = await asMain("GET", `/Accounts/${sandbox.accountSid}/AvailablePhoneNumbers/US/Local.json?AreaCode=415&PageSize=3`);
    expect(available.body.available_phone_numbers).toHaveLength(3);
    const first = available.body.available_phone_numbers[0].phone_number;
    expect(first).toMatch(/^\+1415555/);
    expect((await asMain("POST", numbers(), { PhoneNumber: first })).status).toBe(201);
    const again = await asMain("GET", `/Accounts/${sandbox.accountSid}/AvailablePhoneNumbers/US/Local.json?AreaCode=415&PageSize=3`);
    expect(again.body.available_phone_numbers.map((n: { phone_number: string }) => n.phone_number)).not.toContain(first);
  });
});
