import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { accountApi, startReceiver } from "./helpers.js";
import { officialClient } from "./official-client.js";
import { schemaProblems } from "./schema.js";

let sandbox: SandboxHandle;
let client: ReturnType<typeof officialClient>;
const APPS = "/2010-04-01/Accounts/{AccountSid}/Applications.json";
const APP = "/2010-04-01/Accounts/{AccountSid}/Applications/{Sid}.json";
const raw = (method: string, path: string, form?: Record<string, string>) => accountApi(sandbox)(method, path, form);

beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual", startTimeMs: Date.UTC(2025, 0, 15, 12) });
  client = officialClient(sandbox.url, sandbox.accountSid, sandbox.authToken);
});
afterEach(() => sandbox.stop());

async function defaultNumberSid(): Promise<string> {
  const [number] = await client.incomingPhoneNumbers.list({ phoneNumber: sandbox.phoneNumber });
  return number!.sid;
}

describe("Applications through the official client", () => {
  it("creates, lists, fetches, updates and deletes a TwiML App with schema-exact answers", async () => {
    const created = await client.applications.create({ friendlyName: "Support line", voiceUrl: "https://example.com/voice", voiceMethod: "GET", smsUrl: "https://example.com/sms" });
    expect(created.sid).toMatch(/^AP[0-9a-f]{32}$/);
    expect(created).toMatchObject({ friendlyName: "Support line", voiceUrl: "https://example.com/voice", voiceMethod: "GET", smsMethod: "POST", voiceFallbackUrl: null });
    expect(created.dateCreated).toBeInstanceOf(Date);
    const other = await client.applications.create({ friendlyName: "Sales line" });
    expect((await client.applications.list()).map((app) => app.sid)).toEqual([created.sid, other.sid]);
    expect((await client.applications.list({ friendlyName: "Sales line" })).map((app) => app.sid)).toEqual([other.sid]);
    const updated = await client.applications(created.sid).update({ voiceUrl: "https://example.com/v2", statusCallback: "https://example.com/status" });
    expect(updated).toMatchObject({ voiceUrl: "https://example.com/v2", statusCallback: "https://example.com/status", friendlyName: "Support line" });
    expect((await client.applications(created.sid).fetch()).voiceUrl).toBe("https://example.com/v2");
    expect(await client.applications(created.sid).remove()).toBe(true);
    await expect(client.applications(created.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it("answers every operation in the shape of the official schema", async () => {
    const created = await raw("POST", "/Applications.json", { FriendlyName: "Checked", VoiceUrl: "https://example.com/voice" });
    expect(created.status).toBe(201);
    expect(schemaProblems("api_v2010", APPS, "POST", created.body)).toEqual([]);
    expect(schemaProblems("api_v2010", APPS, "GET", (await raw("GET", "/Applications.json")).body)).toEqual([]);
    expect(schemaProblems("api_v2010", APP, "GET", (await raw("GET", `/Applications/${created.body.sid}.json`)).body)).toEqual([]);
    const updated = await raw("POST", `/Applications/${created.body.sid}.json`, { SmsUrl: "https://example.com/sms" });
    expect(schemaProblems("api_v2010", APP, "POST", updated.body)).toEqual([]);
  });

  it("refuses an ApplicationSid that names no application of the account", async () => {
    await expect(client.calls.create({ to: "+15558675310", from: sandbox.phoneNumber, applicationSid: "AP" + "0".repeat(32) })).rejects.toMatchObject({ status: 400, code: 21218 });
    const pnSid = await defaultNumberSid();
    await expect(client.incomingPhoneNumbers(pnSid).update({ voiceApplicationSid: "AP" + "1".repeat(32) })).rejects.toMatchObject({ status: 400, code: 21218 });
  });
});

describe("an application answering calls and messages", () => {
  it("answers an inbound call to a number whose VoiceApplicationSid names it, with the app's URL, method and status callback", async () => {
    const receiver = await startReceiver((request) => (request.path === "/app-voice" ? { body: "<Response><Say>Thanks for calling the app</Say></Response>" } : {}));
    try {
      const app = await client.applications.create({ voiceUrl: `${receiver.url}/app-voice`, voiceMethod: "GET", statusCallback: `${receiver.url}/app-status` });
      const pnSid = await defaultNumberSid();
      const number = await client.incomingPhoneNumbers(pnSid).update({ voiceUrl: `${receiver.url}/number-voice`, voiceApplicationSid: app.sid });
      expect(number.voiceApplicationSid).toBe(app.sid);
      const call = await sandbox.inboundCall({ from: "+15558675310", to: sandbox.phoneNumber });
      await sandbox.advance(30_000);
      const voice = receiver.received.filter((request) => request.path === "/app-voice");
      expect(voice).toHaveLength(1);
      expect(voice[0]!.method).toBe("GET");
      expect(voice[0]!.params).toMatchObject({ CallSid: call.sid, ApplicationSid: app.sid, CallStatus: "ringing" });
      expect(receiver.received.some((request) => request.path === "/number-voice")).toBe(false);
      expect(sandbox.transcript(String(call.sid)).map((entry) => entry.text ?? entry.verb)).toEqual(["Thanks for calling the app", "End"]);
      const status = receiver.received.filter((request) => request.path === "/app-status");
      expect(status.map((request) => request.params.CallStatus)).toEqual(["completed"]);
    } finally {
      await receiver.close();
    }
  });

  it("falls back to the number's own VoiceUrl once its application is deleted", async () => {
    const receiver = await startReceiver(() => ({ body: "<Response><Hangup/></Response>" }));
    try {
      const app = await client.applications.create({ voiceUrl: `${receiver.url}/app-voice` });
      const pnSid = await defaultNumberSid();
      await client.incomingPhoneNumbers(pnSid).update({ voiceUrl: `${receiver.url}/number-voice`, voiceApplicationSid: app.sid });
      await client.applications(app.sid).remove();
      expect((await client.incomingPhoneNumbers(pnSid).fetch()).voiceApplicationSid).toBeNull();
      await sandbox.inboundCall({ from: "+15558675310", to: sandbox.phoneNumber });
      expect(receiver.received.map((request) => request.path)).toEqual(["/number-voice"]);
    } finally {
      await receiver.close();
    }
  });

  it("runs an outbound call created with an ApplicationSid on the app's URLs, ignoring the request's", async () => {
    const receiver = await startReceiver((request) => (request.path === "/app-voice" ? { body: "<Response><Say>App speaking</Say></Response>" } : {}));
    try {
      const app = await client.applications.create({ voiceUrl: `${receiver.url}/app-voice`, statusCallback: `${receiver.url}/app-status` });
      const call = await client.calls.create({ to: "+15558675310", from: sandbox.phoneNumber, applicationSid: app.sid, statusCallback: `${receiver.url}/ignored` });
      await sandbox.advance(60_000);
      expect(receiver.received.map((request) => request.path)).toEqual(["/app-voice", "/app-status"]);
      expect(receiver.received[0]!.params.ApplicationSid).toBe(app.sid);
      expect((await client.calls(call.sid).fetch()).status).toBe("completed");
    } finally {
      await receiver.close();
    }
  });

  it("refuses a call to an application without a VoiceUrl", async () => {
    const app = await client.applications.create({ smsUrl: "https://example.com/sms" });
    await expect(client.calls.create({ to: "+15558675310", from: sandbox.phoneNumber, applicationSid: app.sid })).rejects.toMatchObject({ status: 400, code: 21205 });
  });

  it("hands inbound SMS to the SmsApplicationSid's SmsUrl and message status to its MessageStatusCallback", async () => {
    const receiver = await startReceiver((request) => (request.path === "/app-sms" ? { body: "<Response><Message>From the app</Message></Response>" } : {}));
    try {
      const app = await client.applications.create({ smsUrl: `${receiver.url}/app-sms`, messageStatusCallback: `${receiver.url}/app-message-status` });
      const pnSid = await defaultNumberSid();
      await client.incomingPhoneNumbers(pnSid).update({ smsUrl: `${receiver.url}/number-sms`, smsApplicationSid: app.sid });
      const result = await sandbox.inboundSms({ from: "+15558675310", to: sandbox.phoneNumber, body: "hi" });
      expect(result.replies.map((reply) => reply.body)).toEqual(["From the app"]);
      expect(receiver.received.map((request) => request.path)).toEqual(["/app-sms"]);
      const sent = await client.messages.create({ to: "+15558675310", from: sandbox.phoneNumber, body: "status via app", applicationSid: app.sid, statusCallback: `${receiver.url}/ignored` });
      await sandbox.advance(10_000);
      const statuses = receiver.received.filter((request) => request.path === "/app-message-status" && request.params.MessageSid === sent.sid);
      expect(statuses.map((request) => request.params.MessageStatus)).toEqual(["sent", "delivered"]);
      expect(receiver.received.some((request) => request.path === "/ignored")).toBe(false);
    } finally {
      await receiver.close();
    }
  });
});
