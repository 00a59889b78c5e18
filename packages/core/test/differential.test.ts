// Differential tests: the official twilio package and our client make the same call, both against a
// local server that records requests; the requests must match in method, path, query and form fields
// (as multisets), auth header and content type.
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTwilio, type Twilio } from "../src/index.js";
import { ACCOUNT_SID, AUTH_TOKEN, startServer, type SeenRequest } from "./helpers.js";

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Official = any;
const twilioNode = require("twilio") as { (sid: string, token: string, options: object): Official; RequestClient: new () => { request(o: { uri: string }): Promise<unknown> } };

let server: Awaited<ReturnType<typeof startServer>>;
let ours: Twilio;
let theirs: Official;

/** Answers each request with the smallest body both clients accept. */
function reply(request: SeenRequest) {
  if (request.method === "DELETE") return { status: 204 };
  const path = new URL(request.url, "http://x").pathname;
  if (request.method === "GET" && /\/(Messages|Calls|Recordings|Local|Services)(\.json)?$/.test(path)) {
    const key = path.endsWith("Local.json") ? "available_phone_numbers" : path.split("/").pop()!.replace(".json", "").toLowerCase();
    return path.includes("/2010-04-01/")
      ? { body: { [key]: [], next_page_uri: null, page: 0, page_size: 50, uri: path } }
      : { body: { [key]: [], meta: { key, next_page_url: null, page: 0, page_size: 50 } } };
  }
  return { status: request.method === "POST" ? 201 : 200, body: { sid: "XX00000000000000000000000000000000" } };
}

beforeAll(async () => {
  server = await startServer(reply);
  const base = server.url;
  class RewritingClient extends twilioNode.RequestClient {
    override request(options: { uri: string }) {
      options.uri = options.uri.replace(/^https:\/\/([a-z0-9-]+)\.twilio\.com/, `${base}/$1`);
      return super.request(options);
    }
  }
  theirs = twilioNode(ACCOUNT_SID, AUTH_TOKEN, { httpClient: new RewritingClient() });
  ours = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: base });
});
afterAll(() => server.close());

/** The comparable shape of a request. */
function normalise(request: SeenRequest) {
  const url = new URL(request.url, "http://x");
  const sortPairs = (pairs: [string, string][]) => pairs.map(([k, v]) => `${k}=${v}`).sort();
  const isForm = (request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
  return {
    method: request.method,
    path: decodeURIComponent(url.pathname),
    query: sortPairs([...url.searchParams]),
    form: isForm ? sortPairs([...new URLSearchParams(request.body)]) : [],
    json: !isForm && request.body ? JSON.parse(request.body) : undefined,
    authorization: request.headers.authorization,
    contentType: request.method === "POST" ? request.headers["content-type"]?.split(";")[0] : undefined,
    webhookHeader: request.headers["x-twilio-webhook-enabled"],
  };
}

async function compare(theirCall: () => Promise<unknown>, ourCall: () => Promise<unknown>) {
  const start = server.seen.length;
  await theirCall();
  await ourCall();
  expect(server.seen.length - start).toBe(2);
  const [theirRequest, ourRequest] = server.seen.slice(start).map(normalise);
  expect(ourRequest).toEqual(theirRequest);
  return ourRequest!;
}

const SM = "SM0123456789abcdef0123456789abcdef";
const CA = "CA0123456789abcdef0123456789abcdef";
const when = new Date("2024-05-06T07:08:09Z");

const cases: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
  [
    "api: messages.create with several MediaUrl, a StatusCallback and SendAt",
    () => theirs.messages.create({ to: "+15558675310", from: "+15017122661", body: "Hello + hi & bye", mediaUrl: ["https://a.example/1.png", "https://a.example/2.png"], statusCallback: "https://cb.example/s?x=1", sendAt: when, scheduleType: "fixed", messagingServiceSid: "MG0123456789abcdef0123456789abcdef" }),
    () => ours.messages.create({ To: "+15558675310", From: "+15017122661", Body: "Hello + hi & bye", MediaUrl: ["https://a.example/1.png", "https://a.example/2.png"], StatusCallback: "https://cb.example/s?x=1", SendAt: when as never, ScheduleType: "fixed", MessagingServiceSid: "MG0123456789abcdef0123456789abcdef" }),
  ],
  [
    "api: messages.list with To and DateSent> filters",
    () => theirs.messages.page({ to: "+15558675310", dateSentAfter: when, pageSize: 20 }),
    () => ours.messages.list({ To: "+15558675310", "DateSent>": when as never, PageSize: 20 }),
  ],
  ["api: messages.fetch", () => theirs.messages(SM).fetch(), () => ours.messages.fetch({ Sid: SM })],
  ["api: messages.update redacting the body", () => theirs.messages(SM).update({ body: "" }), () => ours.messages.update({ Sid: SM, Body: "" })],
  ["api: messages.delete", () => theirs.messages(SM).remove(), () => ours.messages.delete({ Sid: SM })],
  [
    "api: calls.create with several StatusCallbackEvent",
    () => theirs.calls.create({ to: "+15558675310", from: "+15017122661", url: "https://x.example/voice", statusCallback: "https://x.example/status", statusCallbackEvent: ["initiated", "ringing", "answered", "completed"], record: true, timeout: 20 }),
    () => ours.calls.create({ To: "+15558675310", From: "+15017122661", Url: "https://x.example/voice", StatusCallback: "https://x.example/status", StatusCallbackEvent: ["initiated", "ringing", "answered", "completed"], Record: true, Timeout: 20 }),
  ],
  ["api: calls.update to completed", () => theirs.calls(CA).update({ status: "completed" }), () => ours.calls.update({ Sid: CA, Status: "completed" })],
  [
    "api: calls.list filtered by status and start time",
    () => theirs.calls.page({ status: "completed", startTimeAfter: when }),
    () => ours.calls.list({ Status: "completed", "StartTime>": when as never }),
  ],
  [
    "api: incomingPhoneNumbers.create",
    () => theirs.incomingPhoneNumbers.create({ phoneNumber: "+15005550006", smsUrl: "https://x.example/sms", voiceUrl: "https://x.example/voice", smsMethod: "GET" }),
    () => ours.incomingPhoneNumbers.create({ PhoneNumber: "+15005550006", SmsUrl: "https://x.example/sms", VoiceUrl: "https://x.example/voice", SmsMethod: "GET" }),
  ],
  [
    "api: incomingPhoneNumbers.update",
    () => theirs.incomingPhoneNumbers("PN0123456789abcdef0123456789abcdef").update({ smsUrl: "https://x.example/sms2" }),
    () => ours.incomingPhoneNumbers.update({ Sid: "PN0123456789abcdef0123456789abcdef", SmsUrl: "https://x.example/sms2" }),
  ],
  [
    "api: availablePhoneNumbers.local.list",
    () => theirs.availablePhoneNumbers("US").local.page({ areaCode: 415, smsEnabled: true, voiceEnabled: false }),
    () => ours.availablePhoneNumbers.local.list({ CountryCode: "US", AreaCode: 415, SmsEnabled: true, VoiceEnabled: false }),
  ],
  ["api: accounts.create (subaccount)", () => theirs.api.v2010.accounts.create({ friendlyName: "Sub one" }), () => ours.api.v2010.accounts.create({ FriendlyName: "Sub one" })],
  ["api: accounts.update (suspend)", () => theirs.api.v2010.accounts(ACCOUNT_SID).update({ status: "suspended" }), () => ours.api.v2010.accounts.update({ Sid: ACCOUNT_SID, Status: "suspended" })],
  ["api: keys.create", () => theirs.newKeys.create({ friendlyName: "ci key" }), () => ours.keys.create({ FriendlyName: "ci key" })],
  ["api: queues.create", () => theirs.queues.create({ friendlyName: "support", maxSize: 10 }), () => ours.queues.create({ FriendlyName: "support", MaxSize: 10 })],
  [
    "api: conferences.participants.create with StatusCallbackEvent",
    () => theirs.conferences("CF0123456789abcdef0123456789abcdef").participants.create({ from: "+15017122661", to: "+15558675310", earlyMedia: true, statusCallbackEvent: ["ringing", "answered"] }),
    () => ours.conferences.participants.create({ ConferenceSid: "CF0123456789abcdef0123456789abcdef", From: "+15017122661", To: "+15558675310", EarlyMedia: true, StatusCallbackEvent: ["ringing", "answered"] }),
  ],
  ["api: recordings.list", () => theirs.recordings.page({ dateCreatedAfter: when }), () => ours.recordings.list({ "DateCreated>": when as never })],
  [
    "messaging: services.create",
    () => theirs.messaging.v1.services.create({ friendlyName: "Alerts", statusCallback: "https://x.example/s", useInboundWebhookOnNumber: true }),
    () => ours.messaging.v1.services.create({ FriendlyName: "Alerts", StatusCallback: "https://x.example/s", UseInboundWebhookOnNumber: true }),
  ],
  ["messaging: services.list", () => theirs.messaging.v1.services.page({ pageSize: 5 }), () => ours.messaging.v1.services.list({ PageSize: 5 })],
  [
    "messaging: services.phoneNumbers.create",
    () => theirs.messaging.v1.services("MG0123456789abcdef0123456789abcdef").phoneNumbers.create({ phoneNumberSid: "PN0123456789abcdef0123456789abcdef" }),
    () => ours.messaging.v1.services.phoneNumbers.create({ ServiceSid: "MG0123456789abcdef0123456789abcdef", PhoneNumberSid: "PN0123456789abcdef0123456789abcdef" }),
  ],
  ["verify: services.create", () => theirs.verify.v2.services.create({ friendlyName: "Login", codeLength: 6 }), () => ours.verify.v2.services.create({ FriendlyName: "Login", CodeLength: 6 })],
  [
    "verify: verifications.create",
    () => theirs.verify.v2.services("VA0123456789abcdef0123456789abcdef").verifications.create({ to: "+15558675310", channel: "sms" }),
    () => ours.verify.v2.services.verifications.create({ ServiceSid: "VA0123456789abcdef0123456789abcdef", To: "+15558675310", Channel: "sms" }),
  ],
  [
    "verify: verificationCheck.create",
    () => theirs.verify.v2.services("VA0123456789abcdef0123456789abcdef").verificationChecks.create({ to: "+15558675310", code: "123456" }),
    () => ours.verify.v2.services.verificationCheck.create({ ServiceSid: "VA0123456789abcdef0123456789abcdef", To: "+15558675310", Code: "123456" }),
  ],
  [
    "lookups: phoneNumbers.fetch with Fields",
    () => theirs.lookups.v2.phoneNumbers("+15558675310").fetch({ fields: "line_type_intelligence", countryCode: "US" }),
    () => ours.lookups.v2.phoneNumbers.fetch({ PhoneNumber: "+15558675310", Fields: "line_type_intelligence", CountryCode: "US" }),
  ],
  [
    "conversations: conversations.create with attributes",
    () => theirs.conversations.v1.conversations.create({ friendlyName: "Support", attributes: JSON.stringify({ tier: 1 }) }),
    () => ours.conversations.v1.conversations.create({ FriendlyName: "Support", Attributes: JSON.stringify({ tier: 1 }) }),
  ],
  [
    "conversations: participants.create with a messaging binding",
    () => theirs.conversations.v1.conversations("CH0123456789abcdef0123456789abcdef").participants.create({ "messagingBinding.address": "+15558675310", "messagingBinding.proxyAddress": "+15017122661" }),
    () => ours.conversations.v1.conversations.participants.create({ ConversationSid: "CH0123456789abcdef0123456789abcdef", "MessagingBinding.Address": "+15558675310", "MessagingBinding.ProxyAddress": "+15017122661" }),
  ],
  [
    "conversations: messages.create",
    () => theirs.conversations.v1.conversations("CH0123456789abcdef0123456789abcdef").messages.create({ author: "agent", body: "Hi" }),
    () => ours.conversations.v1.conversations.messages.create({ ConversationSid: "CH0123456789abcdef0123456789abcdef", Author: "agent", Body: "Hi" }),
  ],
  [
    "conversations: conversations.delete with X-Twilio-Webhook-Enabled",
    () => theirs.conversations.v1.conversations("CH0123456789abcdef0123456789abcdef").remove({ xTwilioWebhookEnabled: "true" }),
    () => ours.conversations.v1.conversations.delete({ Sid: "CH0123456789abcdef0123456789abcdef", "X-Twilio-Webhook-Enabled": "true" }),
  ],
  [
    "notify: notifications.create with repeated ToBinding and Identity",
    () => theirs.notify.v1.services("IS0123456789abcdef0123456789abcdef").notifications.create({ toBinding: ['{"binding_type":"sms","address":"+15558675310"}', '{"binding_type":"sms","address":"+15558675311"}'], identity: ["a", "b"], body: "Hello" }),
    () => ours.notify.v1.services.notifications.create({ ServiceSid: "IS0123456789abcdef0123456789abcdef", ToBinding: ['{"binding_type":"sms","address":"+15558675310"}', '{"binding_type":"sms","address":"+15558675311"}'], Identity: ["a", "b"], Body: "Hello" }),
  ],
  [
    "sync: documents.create with JSON data",
    () => theirs.sync.v1.services("IS0123456789abcdef0123456789abcdef").documents.create({ uniqueName: "doc", data: { a: 1, b: [true] } }),
    () => ours.sync.v1.services.documents.create({ ServiceSid: "IS0123456789abcdef0123456789abcdef", UniqueName: "doc", Data: { a: 1, b: [true] } }),
  ],
  [
    "studio: executions.create with parameters",
    () => theirs.studio.v2.flows("FW0123456789abcdef0123456789abcdef").executions.create({ to: "+15558675310", from: "+15017122661", parameters: { name: "Ada" } }),
    () => ours.studio.v2.flows.executions.create({ FlowSid: "FW0123456789abcdef0123456789abcdef", To: "+15558675310", From: "+15017122661", Parameters: { name: "Ada" } }),
  ],
  ["taskrouter: workspaces.create", () => theirs.taskrouter.v1.workspaces.create({ friendlyName: "Support", multiTaskEnabled: true }), () => ours.taskrouter.v1.workspaces.create({ FriendlyName: "Support", MultiTaskEnabled: true })],
  [
    "video: rooms.create",
    () => theirs.video.v1.rooms.create({ uniqueName: "standup", type: "group", recordParticipantsOnConnect: true, maxParticipants: 10 }),
    () => ours.video.v1.rooms.create({ UniqueName: "standup", Type: "group", RecordParticipantsOnConnect: true, MaxParticipants: 10 }),
  ],
  ["serverless: services.create", () => theirs.serverless.v1.services.create({ uniqueName: "app", friendlyName: "App", includeCredentials: false }), () => ours.serverless.v1.services.create({ UniqueName: "app", FriendlyName: "App", IncludeCredentials: false })],
];

describe("requests match the official twilio package", () => {
  it.each(cases)("%s", async (_name, theirCall, ourCall) => {
    await compare(theirCall, ourCall);
  });

  it("covers at least 30 operations across at least 8 domains", () => {
    const domains = new Set(cases.map(([name]) => name.split(":")[0]));
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(domains.size).toBeGreaterThanOrEqual(8);
  });
});
