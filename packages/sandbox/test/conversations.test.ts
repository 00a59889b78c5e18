// Conversations v1 through real HTTP, the schema checker and the official twilio client: services,
// conversations, participants (chat and SMS bindings), messages delivered as SMS, inbound SMS routed
// into conversations, and signed post-event webhooks filtered by Filters.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import twilio from "twilio";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { api, control, isSigned, startReceiver } from "./helpers.js";
import { schemaProblems } from "./schema.js";

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual", startTimeMs: Date.UTC(2025, 5, 1, 12) });
});
afterAll(() => sandbox.stop());
beforeEach(() => sandbox.reset());

const SPEC = "conversations_v1";
const HANDSET = "+15558675310";
const WEBHOOKS_ON = { "X-Twilio-Webhook-Enabled": "true" };
type Form = Record<string, string | string[]>;

function call(method: string, path: string, form?: Form, headers?: Record<string, string>) {
  return api(sandbox.url, method, `/conversations${path}`, { user: sandbox.accountSid, password: sandbox.authToken, form, headers });
}

/** Calls, asserts the status and, for a body, the official schema of `specPath`. */
async function ok(method: string, specPath: string, path: string, status: number, form?: Form, headers?: Record<string, string>) {
  const response = await call(method, path, form, headers);
  expect(response.body?.message ?? "", `${method} ${path}`).toBe("");
  expect(response.status).toBe(status);
  if (response.body !== undefined) expect(schemaProblems(SPEC, specPath, method, response.body)).toEqual([]);
  return response.body;
}

const createConversation = (form: Form = {}, headers?: Record<string, string>) => ok("POST", "/v1/Conversations", "/v1/Conversations", 201, form, headers);
const addParticipant = (conversationSid: string, form: Form, headers?: Record<string, string>) =>
  ok("POST", "/v1/Conversations/{ConversationSid}/Participants", `/v1/Conversations/${conversationSid}/Participants`, 201, form, headers);
const addMessage = (conversationSid: string, form: Form, headers?: Record<string, string>) =>
  ok("POST", "/v1/Conversations/{ConversationSid}/Messages", `/v1/Conversations/${conversationSid}/Messages`, 201, form, headers);
const smsParticipant = (conversationSid: string, address = HANDSET) => addParticipant(conversationSid, { "MessagingBinding.Address": address, "MessagingBinding.ProxyAddress": sandbox.phoneNumber });

describe("services", () => {
  it("lists the account's default service, creates, fetches and deletes others", async () => {
    const first = await ok("GET", "/v1/Services", "/v1/Services", 200);
    expect(first.services).toHaveLength(1);
    expect(first.services[0].friendly_name).toBe("Default Conversations Service");
    const created = await ok("POST", "/v1/Services", "/v1/Services", 201, { FriendlyName: "Support" });
    expect(created.sid).toMatch(/^IS[0-9a-f]{32}$/);
    expect(created.links.conversations).toBe(`https://conversations.twilio.com/v1/Services/${created.sid}/Conversations`);
    expect(await ok("GET", "/v1/Services/{Sid}", `/v1/Services/${created.sid}`, 200)).toEqual(created);
    expect((await call("DELETE", `/v1/Services/${created.sid}`)).status).toBe(204);
    expect((await call("GET", `/v1/Services/${created.sid}`)).body).toMatchObject({ status: 404, code: 20404 });
    expect((await call("DELETE", `/v1/Services/${first.services[0].sid}`)).status).toBe(400);
  });

  it("scopes conversations to their service on the /v1/Services/{ChatServiceSid} routes", async () => {
    const service = await ok("POST", "/v1/Services", "/v1/Services", 201, { FriendlyName: "Scoped" });
    const scoped = await ok("POST", "/v1/Services/{ChatServiceSid}/Conversations", `/v1/Services/${service.sid}/Conversations`, 201, { FriendlyName: "In scope" });
    expect(scoped.chat_service_sid).toBe(service.sid);
    expect(scoped.url).toBe(`https://conversations.twilio.com/v1/Services/${service.sid}/Conversations/${scoped.sid}`);
    expect((await ok("GET", "/v1/Conversations", "/v1/Conversations", 200)).conversations).toEqual([]);
    expect((await call("GET", `/v1/Conversations/${scoped.sid}`)).status).toBe(404);
  });
});

describe("conversations", () => {
  it("creates, lists, fetches by SID or UniqueName, updates and deletes", async () => {
    const created = await createConversation({ FriendlyName: "Order 42", UniqueName: "order-42", Attributes: '{"order":42}' });
    expect(created).toMatchObject({ state: "active", unique_name: "order-42", attributes: '{"order":42}', timers: {} });
    expect(created.sid).toMatch(/^CH[0-9a-f]{32}$/);
    expect(await ok("GET", "/v1/Conversations/{Sid}", "/v1/Conversations/order-42", 200)).toEqual(created);
    const page = await ok("GET", "/v1/Conversations", "/v1/Conversations?PageSize=1", 200);
    expect(page.meta.key).toBe("conversations");
    expect(page.conversations.map((c: { sid: string }) => c.sid)).toEqual([created.sid]);
    await sandbox.advance(1_000);
    const updated = await ok("POST", "/v1/Conversations/{Sid}", `/v1/Conversations/${created.sid}`, 200, { FriendlyName: "Order 42 (paid)", State: "inactive" });
    expect(updated).toMatchObject({ friendly_name: "Order 42 (paid)", state: "inactive" });
    expect(updated.date_updated).not.toBe(updated.date_created);
    expect((await ok("GET", "/v1/Conversations", "/v1/Conversations?State=active", 200)).conversations).toEqual([]);
    expect((await call("DELETE", `/v1/Conversations/${created.sid}`)).status).toBe(204);
    expect((await call("GET", `/v1/Conversations/${created.sid}`)).status).toBe(404);
  });

  it("refuses a UniqueName already taken in the service with 409 50353", async () => {
    await createConversation({ UniqueName: "dup" });
    const again = await call("POST", "/v1/Conversations", { UniqueName: "dup" });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe(50353);
  });

  it("moves to inactive and closed on its timers, on the virtual clock", async () => {
    const created = await createConversation({ "Timers.Inactive": "PT5M", "Timers.Closed": "PT10M" });
    const at = (minutes: number) => new Date(Date.parse(created.date_created) + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    expect(created.timers).toEqual({ date_inactive: at(5), date_closed: at(10) });
    await sandbox.advance(5 * 60_000);
    expect((await ok("GET", "/v1/Conversations/{Sid}", `/v1/Conversations/${created.sid}`, 200)).state).toBe("inactive");
    await sandbox.advance(5 * 60_000);
    expect((await ok("GET", "/v1/Conversations/{Sid}", `/v1/Conversations/${created.sid}`, 200)).state).toBe("closed");
    expect((await call("POST", `/v1/Conversations/${created.sid}/Messages`, { Body: "late" })).status).toBe(400);
  });

  it("rejects bad input with a message naming it", async () => {
    expect((await call("POST", "/v1/Conversations", { State: "open" })).body.message).toContain("State");
    expect((await call("POST", "/v1/Conversations", { Attributes: "{not json" })).body.message).toContain("Attributes");
    expect((await call("POST", "/v1/Conversations", { "Timers.Closed": "PT1M" })).body.message).toContain("Timers.Closed");
  });
});

describe("participants", () => {
  it("adds a chat participant and an SMS participant with Twilio's wire shape", async () => {
    const conversation = await createConversation();
    const chat = await addParticipant(conversation.sid, { Identity: "alice", Attributes: '{"role":"agent"}' });
    expect(chat).toMatchObject({ identity: "alice", messaging_binding: null, attributes: '{"role":"agent"}' });
    const sms = await smsParticipant(conversation.sid);
    expect(sms.messaging_binding).toEqual({ type: "sms", address: HANDSET, proxy_address: sandbox.phoneNumber });
    expect(sms.identity).toBeNull();
    const listed = await ok("GET", "/v1/Conversations/{ConversationSid}/Participants", `/v1/Conversations/${conversation.sid}/Participants`, 200);
    expect(listed.participants.map((p: { sid: string }) => p.sid)).toEqual([chat.sid, sms.sid]);
    expect(await ok("GET", "/v1/Conversations/{ConversationSid}/Participants/{Sid}", `/v1/Conversations/${conversation.sid}/Participants/${chat.sid}`, 200)).toEqual(chat);
    const updated = await ok("POST", "/v1/Conversations/{ConversationSid}/Participants/{Sid}", `/v1/Conversations/${conversation.sid}/Participants/${chat.sid}`, 200, { LastReadMessageIndex: "3" });
    expect(updated.last_read_message_index).toBe(3);
    expect((await call("DELETE", `/v1/Conversations/${conversation.sid}/Participants/${chat.sid}`)).status).toBe(204);
  });

  it("answers 409 50433 for an identity already in the conversation", async () => {
    const conversation = await createConversation();
    await addParticipant(conversation.sid, { Identity: "alice" });
    const again = await call("POST", `/v1/Conversations/${conversation.sid}/Participants`, { Identity: "alice" });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe(50433);
  });

  it("answers 409 50416 for an address/proxy pair bound to another open conversation, free again once it closes", async () => {
    const a = await createConversation();
    const b = await createConversation();
    await smsParticipant(a.sid);
    const conflict = await call("POST", `/v1/Conversations/${b.sid}/Participants`, { "MessagingBinding.Address": HANDSET, "MessagingBinding.ProxyAddress": sandbox.phoneNumber });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe(50416);
    expect(conflict.body.message).toContain(a.sid);
    await ok("POST", "/v1/Conversations/{Sid}", `/v1/Conversations/${a.sid}`, 200, { State: "closed" });
    await smsParticipant(b.sid);
  });

  it("requires a proxy address owned by the account and an identity or an address", async () => {
    const conversation = await createConversation();
    expect((await call("POST", `/v1/Conversations/${conversation.sid}/Participants`, { "MessagingBinding.Address": HANDSET })).body.message).toContain("ProxyAddress");
    expect((await call("POST", `/v1/Conversations/${conversation.sid}/Participants`, { "MessagingBinding.Address": HANDSET, "MessagingBinding.ProxyAddress": "+15558670000" })).body.message).toContain("not a phone number of this account");
    expect((await call("POST", `/v1/Conversations/${conversation.sid}/Participants`, {})).status).toBe(400);
  });
});

describe("messages", () => {
  it("creates with increasing index, lists in both orders, fetches, updates and deletes", async () => {
    const conversation = await createConversation();
    const first = await addMessage(conversation.sid, { Author: "alice", Body: "Hi", Attributes: '{"x":1}' });
    const second = await addMessage(conversation.sid, { Body: "Second" });
    expect([first.index, second.index]).toEqual([0, 1]);
    expect(second.author).toBe("system");
    expect(first.delivery).toBeNull();
    const asc = await ok("GET", "/v1/Conversations/{ConversationSid}/Messages", `/v1/Conversations/${conversation.sid}/Messages`, 200);
    expect(asc.messages.map((m: { index: number }) => m.index)).toEqual([0, 1]);
    const desc = await ok("GET", "/v1/Conversations/{ConversationSid}/Messages", `/v1/Conversations/${conversation.sid}/Messages?Order=desc`, 200);
    expect(desc.messages.map((m: { index: number }) => m.index)).toEqual([1, 0]);
    const path = `/v1/Conversations/${conversation.sid}/Messages/${first.sid}`;
    expect(await ok("GET", "/v1/Conversations/{ConversationSid}/Messages/{Sid}", path, 200)).toEqual(first);
    expect((await ok("POST", "/v1/Conversations/{ConversationSid}/Messages/{Sid}", path, 200, { Body: "Hi!" })).body).toBe("Hi!");
    expect((await call("DELETE", path)).status).toBe(204);
    expect((await call("GET", path)).status).toBe(404);
    expect((await call("POST", `/v1/Conversations/${conversation.sid}/Messages`, { Author: "x" })).status).toBe(400);
  });

  it("sends a message as SMS from the proxy address to every SMS participant but its author", async () => {
    const conversation = await createConversation();
    await addParticipant(conversation.sid, { Identity: "agent" });
    await smsParticipant(conversation.sid);
    // last five digits 30003: the messaging engine ends this copy undelivered
    await smsParticipant(conversation.sid, "+15555530003");
    const message = await addMessage(conversation.sid, { Author: "agent", Body: "Your order shipped" });
    expect(message.delivery).toEqual({ total: 2, sent: "none", delivered: "none", read: "none", failed: "none", undelivered: "none" });
    const sms = await sandbox.waitForMessage({ to: HANDSET, from: sandbox.phoneNumber, direction: "outbound-api" });
    expect(sms.body).toBe("Your order shipped");
    await sandbox.advance(5_000);
    await sandbox.waitForMessageStatus(sms.sid as string, "delivered");
    const path = `/v1/Conversations/${conversation.sid}/Messages/${message.sid}`;
    const later = await ok("GET", "/v1/Conversations/{ConversationSid}/Messages/{Sid}", path, 200);
    expect(later.delivery).toEqual({ total: 2, sent: "all", delivered: "some", read: "none", failed: "none", undelivered: "some" });
    const receipts = await ok("GET", "/v1/Conversations/{ConversationSid}/Messages/{MessageSid}/Receipts", `${path}/Receipts`, 200);
    expect(receipts.meta.key).toBe("delivery_receipts");
    expect(receipts.delivery_receipts.map((r: { status: string; error_code: number }) => [r.status, r.error_code])).toEqual([["delivered", 0], ["undelivered", 30003]]);
    expect(receipts.delivery_receipts[0].channel_message_sid).toBe(sms.sid);
    const receipt = receipts.delivery_receipts[1];
    expect(await ok("GET", "/v1/Conversations/{ConversationSid}/Messages/{MessageSid}/Receipts/{Sid}", `${path}/Receipts/${receipt.sid}`, 200)).toEqual(receipt);
    const fromHandset = await addMessage(conversation.sid, { Author: HANDSET, Body: "Thanks" });
    expect(fromHandset.participant_sid).toMatch(/^MB/);
    const outbound = await api(sandbox.url, "GET", `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json?To=${encodeURIComponent(HANDSET)}`, { user: sandbox.accountSid, password: sandbox.authToken });
    expect(outbound.body.messages.map((m: { body: string }) => m.body)).toEqual(["Your order shipped"]);
  });
});

describe("inbound SMS and post-event webhooks", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver(() => ({ type: "text/plain", body: "" }));
  });
  afterEach(() => receiver.close());

  const configure = (filters: string[]) => ok("POST", "/v1/Configuration/Webhooks", "/v1/Configuration/Webhooks", 200, { PostWebhookUrl: `${receiver.url}/conversations`, Method: "POST", Filters: filters });

  it("stores the webhook configuration with its Filters", async () => {
    const config = await configure(["onMessageAdded", "onParticipantAdded"]);
    expect(config).toMatchObject({ post_webhook_url: `${receiver.url}/conversations`, method: "POST", filters: ["onMessageAdded", "onParticipantAdded"], target: "webhook" });
    expect(await ok("GET", "/v1/Configuration/Webhooks", "/v1/Configuration/Webhooks", 200)).toEqual(config);
    expect((await call("POST", "/v1/Configuration/Webhooks", { Filters: "onEverything" })).status).toBe(400);
  });

  it("sends signed post-events for API actions only with X-Twilio-Webhook-Enabled, and only the filtered ones", async () => {
    await configure(["onConversationAdded", "onParticipantAdded"]);
    await createConversation({ FriendlyName: "quiet" });
    expect(receiver.received).toHaveLength(0);
    const conversation = await createConversation({ FriendlyName: "loud" }, WEBHOOKS_ON);
    await addParticipant(conversation.sid, { Identity: "alice" }, WEBHOOKS_ON);
    await addMessage(conversation.sid, { Body: "not in Filters" }, WEBHOOKS_ON);
    expect(receiver.received.map((r) => r.params.EventType)).toEqual(["onConversationAdded", "onParticipantAdded"]);
    const [added, participant] = receiver.received;
    expect(added!.params).toMatchObject({ ConversationSid: conversation.sid, FriendlyName: "loud", Source: "API", AccountSid: sandbox.accountSid, State: "active" });
    expect(participant!.params).toMatchObject({ Identity: "alice", ConversationSid: conversation.sid });
    expect(await isSigned(added!, sandbox.authToken)).toBe(true);
  });

  it("turns an SMS from a bound address into a conversation message, sends onMessageAdded and not the SmsUrl", async () => {
    await configure(["onMessageAdded"]);
    const v2010 = `/api/2010-04-01/Accounts/${sandbox.accountSid}/IncomingPhoneNumbers`;
    const auth = { user: sandbox.accountSid, password: sandbox.authToken };
    const numberSid = (await api(sandbox.url, "GET", `${v2010}.json`, auth)).body.incoming_phone_numbers[0].sid;
    expect((await api(sandbox.url, "POST", `${v2010}/${numberSid}.json`, { ...auth, form: { SmsUrl: `${receiver.url}/sms` } })).status).toBe(200);
    const conversation = await createConversation();
    await smsParticipant(conversation.sid);
    const inbound = await control(sandbox.url, "POST", "/messages/inbound", { From: HANDSET, To: sandbox.phoneNumber, Body: "Where is my order?" });
    expect(inbound.status).toBe(201);
    const messages = await ok("GET", "/v1/Conversations/{ConversationSid}/Messages", `/v1/Conversations/${conversation.sid}/Messages`, 200);
    expect(messages.messages).toHaveLength(1);
    expect(messages.messages[0]).toMatchObject({ author: HANDSET, body: "Where is my order?", index: 0 });
    expect(receiver.received.map((r) => r.path)).toEqual(["/conversations"]);
    expect(receiver.received[0]!.params).toMatchObject({ EventType: "onMessageAdded", Source: "SMS", Author: HANDSET, Body: "Where is my order?", Index: "0" });
    expect(await isSigned(receiver.received[0]!, sandbox.authToken)).toBe(true);
    expect(inbound.body.deliveries).toHaveLength(1);
    await control(sandbox.url, "POST", "/messages/inbound", { From: "+15558675399", To: sandbox.phoneNumber, Body: "unbound" });
    expect(receiver.received.map((r) => r.path)).toEqual(["/conversations", "/sms"]);
  });

  it("raises an alert when the post-event webhook fails", async () => {
    await ok("POST", "/v1/Configuration/Webhooks", "/v1/Configuration/Webhooks", 200, { PostWebhookUrl: "http://127.0.0.1:1/down", Filters: "onConversationAdded" });
    await createConversation({}, WEBHOOKS_ON);
    const alerts = await control(sandbox.url, "GET", "/alerts");
    expect(alerts.body.alerts.map((a: { error_code: string }) => a.error_code)).toContain("11200");
  });
});

function officialClient() {
  const inner = new twilio.RequestClient();
  const httpClient = {
    request: (opts: any) => inner.request({ ...opts, uri: String(opts.uri).replace(/^https:\/\/([a-z0-9-]+)\.twilio\.com/, `${sandbox.url}/$1`) }),
  };
  return twilio(sandbox.accountSid, sandbox.authToken, { httpClient: httpClient as never });
}

describe("the official twilio client", () => {
  it("drives services, conversations, participants and messages", async () => {
    const client = officialClient();
    const service = await client.conversations.v1.services.create({ friendlyName: "Oracle" });
    const conversation = await client.conversations.v1.services(service.sid).conversations.create({ friendlyName: "Oracle chat", uniqueName: "oracle" });
    expect(conversation.chatServiceSid).toBe(service.sid);
    expect(conversation.dateCreated).toBeInstanceOf(Date);
    const defaultConversation = await client.conversations.v1.conversations.create({ friendlyName: "Default" });
    const participant = await client.conversations.v1.conversations(defaultConversation.sid).participants.create({ "messagingBinding.address": HANDSET, "messagingBinding.proxyAddress": sandbox.phoneNumber });
    expect(participant.messagingBinding).toMatchObject({ address: HANDSET });
    const message = await client.conversations.v1.conversations(defaultConversation.sid).messages.create({ author: "bot", body: "Hello from the client" });
    expect(message.index).toBe(0);
    const listed = await client.conversations.v1.conversations(defaultConversation.sid).messages.list();
    expect(listed.map((m) => m.body)).toEqual(["Hello from the client"]);
    const fetched = await client.conversations.v1.services(service.sid).conversations("oracle").fetch();
    expect(fetched.sid).toBe(conversation.sid);
    await expect(client.conversations.v1.conversations(defaultConversation.sid).participants.create({ "messagingBinding.address": HANDSET, "messagingBinding.proxyAddress": sandbox.phoneNumber })).rejects.toMatchObject({ status: 409, code: 50416 });
    const sms = await sandbox.waitForMessage({ to: HANDSET, direction: "outbound-api" });
    expect(sms.body).toBe("Hello from the client");
    const user = await client.conversations.v1.users.create({ identity: "oracle-user" });
    expect((await client.conversations.v1.users("oracle-user").fetch()).sid).toBe(user.sid);
    const roles = await client.conversations.v1.roles.list();
    expect(roles.map((role) => role.type)).toContain("service");
    const hook = await client.conversations.v1.conversations(defaultConversation.sid).webhooks.create({ target: "webhook", "configuration.url": "https://example.com/hook", "configuration.filters": ["onMessageAdded"] });
    expect(hook.configuration).toMatchObject({ url: "https://example.com/hook", filters: ["onMessageAdded"] });
    const address = await client.conversations.v1.addressConfigurations.create({ type: "sms", address: sandbox.phoneNumber, "autoCreation.enabled": true, "autoCreation.type": "default" });
    expect(address.autoCreation).toMatchObject({ enabled: true, type: "default" });
  });
});

describe("X-Twilio-Webhook-Enabled through the official client", () => {
  it("fires onConversationAdded only for the create that sets xTwilioWebhookEnabled", async () => {
    const receiver = await startReceiver(() => ({ type: "text/plain", body: "" }));
    try {
      const client = officialClient();
      await client.conversations.v1.configuration.webhooks().update({ postWebhookUrl: `${receiver.url}/post`, filters: ["onConversationAdded"] });
      await client.conversations.v1.conversations.create({ friendlyName: "silent" });
      const loud = await client.conversations.v1.conversations.create({ friendlyName: "loud", xTwilioWebhookEnabled: "true" });
      expect(receiver.received.map((r) => [r.params.EventType, r.params.ConversationSid])).toEqual([["onConversationAdded", loud.sid]]);
    } finally {
      await receiver.close();
    }
  });
});

describe("flow: an Express app answers an inbound SMS through Conversations", () => {
  let server: Server;
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("receives onMessageAdded for the SMS, answers with a Conversations message, and the handset gets it as SMS", async () => {
    const client = officialClient();
    const events: Array<Record<string, string>> = [];
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.post("/conversations", async (req, res) => {
      events.push(req.body);
      if (req.body.EventType === "onMessageAdded" && req.body.Source === "SMS") {
        // an API action: no webhook (no X-Twilio-Webhook-Enabled), so the app does not hear itself
        await client.conversations.v1.conversations(req.body.ConversationSid).messages.create({ author: "support-bot", body: `We got "${req.body.Body}"` });
      }
      res.sendStatus(200);
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/conversations`;
    await client.conversations.v1.configuration.webhooks().update({ postWebhookUrl: url, method: "POST", filters: ["onMessageAdded"] });
    const conversation = await client.conversations.v1.conversations.create({ friendlyName: "Support" });
    await client.conversations.v1.conversations(conversation.sid).participants.create({ "messagingBinding.address": HANDSET, "messagingBinding.proxyAddress": sandbox.phoneNumber });

    await sandbox.inboundSms({ from: HANDSET, to: sandbox.phoneNumber, body: "Is it open?" });

    expect(events.map((e) => e.EventType)).toEqual(["onMessageAdded"]);
    const reply = await sandbox.waitForMessage({ to: HANDSET, from: sandbox.phoneNumber, direction: "outbound-api" });
    expect(reply.body).toBe('We got "Is it open?"');
    const history = await client.conversations.v1.conversations(conversation.sid).messages.list();
    expect(history.map((m) => [m.index, m.author])).toEqual([[0, HANDSET], [1, "support-bot"]]);
  });
});

describe("pre-event hooks, conversation webhooks and autocreation", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let answer: (path: string, params: Record<string, string>) => { status?: number; type?: string; body?: string };
  beforeEach(async () => {
    answer = () => ({ type: "text/plain", body: "" });
    receiver = await startReceiver((request) => answer(request.path, request.params));
  });
  afterEach(() => receiver.close());

  const preHooks = (filters: string[]) =>
    ok("POST", "/v1/Configuration/Webhooks", "/v1/Configuration/Webhooks", 200, { PreWebhookUrl: `${receiver.url}/pre`, PostWebhookUrl: `${receiver.url}/post`, Filters: filters });

  it("lets onMessageAdd block a message with a non-2xx answer", async () => {
    await preHooks(["onMessageAdd", "onMessageAdded"]);
    answer = (path) => (path === "/pre" ? { status: 403, body: "no" } : {});
    const conversation = await createConversation();
    const blocked = await call("POST", `/v1/Conversations/${conversation.sid}/Messages`, { Body: "spam" }, WEBHOOKS_ON);
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe(20403);
    expect(receiver.received.map((r) => r.path)).toEqual(["/pre"]);
    expect(receiver.received[0]!.params).toMatchObject({ EventType: "onMessageAdd", Body: "spam", ConversationSid: conversation.sid });
    expect((await ok("GET", "/v1/Conversations/{ConversationSid}/Messages", `/v1/Conversations/${conversation.sid}/Messages`, 200)).messages).toEqual([]);
  });

  it("lets onMessageAdd modify a message with a JSON answer, and onConversationAdd a conversation", async () => {
    await preHooks(["onMessageAdd", "onConversationAdd"]);
    answer = (path, params) =>
      path !== "/pre"
        ? {}
        : params.EventType === "onMessageAdd"
          ? { type: "application/json", body: JSON.stringify({ body: `[redacted] ${params.Body!.length} chars`, attributes: { checked: true } }) }
          : { type: "application/json", body: JSON.stringify({ friendly_name: "Renamed by the hook" }) };
    const conversation = await createConversation({ FriendlyName: "Original" }, WEBHOOKS_ON);
    expect(conversation.friendly_name).toBe("Renamed by the hook");
    const message = await addMessage(conversation.sid, { Body: "card 4111" }, WEBHOOKS_ON);
    expect(message).toMatchObject({ body: "[redacted] 9 chars", attributes: '{"checked":true}' });
  });

  it("drops an inbound SMS that onMessageAdd blocks", async () => {
    await preHooks(["onMessageAdd"]);
    answer = (path) => (path === "/pre" ? { status: 500 } : {});
    const conversation = await createConversation();
    await smsParticipant(conversation.sid);
    const inbound = await control(sandbox.url, "POST", "/messages/inbound", { From: HANDSET, To: sandbox.phoneNumber, Body: "blocked" });
    expect(inbound.status).toBe(201);
    expect((await ok("GET", "/v1/Conversations/{ConversationSid}/Messages", `/v1/Conversations/${conversation.sid}/Messages`, 200)).messages).toEqual([]);
  });

  it("manages conversation-scoped webhooks and delivers to webhook and trigger targets", async () => {
    const conversation = await createConversation();
    const base = `/v1/Conversations/${conversation.sid}/Webhooks`;
    const hook = await ok("POST", "/v1/Conversations/{ConversationSid}/Webhooks", base, 201, { Target: "webhook", "Configuration.Url": `${receiver.url}/scoped`, "Configuration.Method": "POST", "Configuration.Filters": ["onMessageAdded"] });
    expect(hook.sid).toMatch(/^WH[0-9a-f]{32}$/);
    expect(hook.configuration).toEqual({ url: `${receiver.url}/scoped`, method: "post", filters: ["onMessageAdded"] });
    await ok("POST", "/v1/Conversations/{ConversationSid}/Webhooks", base, 201, { Target: "trigger", "Configuration.Url": `${receiver.url}/trigger`, "Configuration.Triggers": ["help"] });
    const studio = await ok("POST", "/v1/Conversations/{ConversationSid}/Webhooks", base, 201, { Target: "studio", "Configuration.FlowSid": `FW${"0".repeat(32)}` });
    expect((await ok("GET", "/v1/Conversations/{ConversationSid}/Webhooks", base, 200)).webhooks).toHaveLength(3);
    expect(await ok("GET", "/v1/Conversations/{ConversationSid}/Webhooks/{Sid}", `${base}/${hook.sid}`, 200)).toEqual(hook);
    expect((await call("DELETE", `${base}/${studio.sid}`)).status).toBe(204);
    expect((await call("POST", base, { Target: "webhook" })).body.message).toContain("Configuration.Url");
    await addMessage(conversation.sid, { Body: "hello" }, WEBHOOKS_ON);
    await addMessage(conversation.sid, { Body: "I need help" }, WEBHOOKS_ON);
    expect(receiver.received.map((r) => `${r.path} ${r.params.Body}`)).toEqual(["/scoped hello", "/scoped I need help", "/trigger I need help"]);
    expect(receiver.received[0]!.params.WebhookSid).toBe(hook.sid);
    expect(await isSigned(receiver.received[0]!, sandbox.authToken)).toBe(true);
  });

  it("autocreates a conversation for an SMS from an unknown address to a configured number", async () => {
    const config = await ok("POST", "/v1/Configuration/Addresses", "/v1/Configuration/Addresses", 201, {
      Type: "sms",
      Address: sandbox.phoneNumber,
      "AutoCreation.Enabled": "true",
      "AutoCreation.Type": "webhook",
      "AutoCreation.WebhookUrl": `${receiver.url}/auto`,
      "AutoCreation.WebhookFilters": ["onParticipantAdded", "onMessageAdded"],
    });
    expect(config.auto_creation).toMatchObject({ enabled: true, type: "webhook", webhook_filters: ["onParticipantAdded", "onMessageAdded"] });
    expect((await ok("GET", "/v1/Configuration/Addresses", "/v1/Configuration/Addresses", 200)).address_configurations).toHaveLength(1);
    await ok("POST", "/v1/Configuration/Webhooks", "/v1/Configuration/Webhooks", 200, { PostWebhookUrl: `${receiver.url}/service`, Filters: "onConversationAdded" });
    await control(sandbox.url, "POST", "/messages/inbound", { From: HANDSET, To: sandbox.phoneNumber, Body: "First contact" });
    const [conversation] = (await ok("GET", "/v1/Conversations", "/v1/Conversations", 200)).conversations;
    expect(conversation).toBeDefined();
    const opened = receiver.received.filter((r) => r.path === "/service");
    expect(opened.map((r) => r.params)).toEqual([expect.objectContaining({ EventType: "onConversationAdded", Source: "SMS", ConversationSid: conversation.sid, "MessagingBinding.Address": HANDSET, "MessagingBinding.ProxyAddress": sandbox.phoneNumber })]);
    receiver.received.splice(0, receiver.received.length, ...receiver.received.filter((r) => r.path !== "/service"));
    const participants = (await ok("GET", "/v1/Conversations/{ConversationSid}/Participants", `/v1/Conversations/${conversation.sid}/Participants`, 200)).participants;
    expect(participants.map((p: { messaging_binding: unknown }) => p.messaging_binding)).toEqual([{ type: "sms", address: HANDSET, proxy_address: sandbox.phoneNumber }]);
    expect(receiver.received.map((r) => r.params.EventType)).toEqual(["onParticipantAdded", "onMessageAdded"]);
    expect(receiver.received[1]!.params).toMatchObject({ Body: "First contact", Source: "SMS", ConversationSid: conversation.sid });
    // the second SMS follows the binding into the same conversation
    await control(sandbox.url, "POST", "/messages/inbound", { From: HANDSET, To: sandbox.phoneNumber, Body: "Again" });
    expect((await ok("GET", "/v1/Conversations", "/v1/Conversations", 200)).conversations).toHaveLength(1);
    expect((await call("DELETE", `/v1/Configuration/Addresses/${config.sid}`)).status).toBe(204);
  });

  it("refuses an address configuration for a number the account does not own", async () => {
    const response = await call("POST", "/v1/Configuration/Addresses", { Type: "sms", Address: "+15558670000", "AutoCreation.Enabled": "true" });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain("not a phone number of this account");
  });
});

describe("users, roles and the account configuration", () => {
  it("gives every service the default roles and participants the conversation user role", async () => {
    const roles = (await ok("GET", "/v1/Roles", "/v1/Roles", 200)).roles;
    expect(roles.map((r: { friendly_name: string; type: string }) => `${r.friendly_name}/${r.type}`)).toEqual(["conversation user/conversation", "conversation admin/conversation", "service user/service", "service admin/service"]);
    const conversation = await createConversation();
    const participant = await addParticipant(conversation.sid, { Identity: "alice" });
    expect(participant.role_sid).toBe(roles[0].sid);
    const admin = await addParticipant(conversation.sid, { Identity: "bob", RoleSid: roles[1].sid });
    expect(admin.role_sid).toBe(roles[1].sid);
    const wrongType = await call("POST", `/v1/Conversations/${conversation.sid}/Participants`, { Identity: "carol", RoleSid: roles[2].sid });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toContain("service role");
  });

  it("creates, updates and deletes roles with their permissions", async () => {
    const role = await ok("POST", "/v1/Roles", "/v1/Roles", 201, { FriendlyName: "moderator", Type: "conversation", Permission: ["sendMessage", "deleteAnyMessage"] });
    expect(role).toMatchObject({ friendly_name: "moderator", type: "conversation", permissions: ["sendMessage", "deleteAnyMessage"] });
    const updated = await ok("POST", "/v1/Roles/{Sid}", `/v1/Roles/${role.sid}`, 200, { Permission: ["sendMessage"] });
    expect(updated.permissions).toEqual(["sendMessage"]);
    expect(await ok("GET", "/v1/Roles/{Sid}", `/v1/Roles/${role.sid}`, 200)).toEqual(updated);
    expect((await call("DELETE", `/v1/Roles/${role.sid}`)).status).toBe(204);
    expect((await call("GET", `/v1/Roles/${role.sid}`)).status).toBe(404);
    expect((await call("POST", "/v1/Roles", { FriendlyName: "x", Type: "conversation" })).body.message).toContain("Permission");
  });

  it("creates users (409 50201 for a taken identity), fetches by SID or identity, and makes one for a new chat participant", async () => {
    const user = await ok("POST", "/v1/Users", "/v1/Users", 201, { Identity: "alice", FriendlyName: "Alice", Attributes: '{"tier":"gold"}' });
    expect(user).toMatchObject({ identity: "alice", friendly_name: "Alice", attributes: '{"tier":"gold"}', is_online: null });
    expect(user.sid).toMatch(/^US[0-9a-f]{32}$/);
    expect(user.links.user_conversations).toBe(`https://conversations.twilio.com/v1/Users/${user.sid}/Conversations`);
    const taken = await call("POST", "/v1/Users", { Identity: "alice" });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe(50201);
    expect(await ok("GET", "/v1/Users/{Sid}", "/v1/Users/alice", 200)).toEqual(user);
    const renamed = await ok("POST", "/v1/Users/{Sid}", `/v1/Users/${user.sid}`, 200, { FriendlyName: "Alice B." });
    expect(renamed.friendly_name).toBe("Alice B.");
    const conversation = await createConversation();
    await addParticipant(conversation.sid, { Identity: "newcomer" });
    const users = (await ok("GET", "/v1/Users", "/v1/Users", 200)).users;
    expect(users.map((u: { identity: string }) => u.identity)).toEqual(["alice", "newcomer"]);
    expect((await call("DELETE", `/v1/Users/${user.sid}`)).status).toBe(204);
  });

  it("reports and changes the default service in /v1/Configuration", async () => {
    const before = await ok("GET", "/v1/Configuration", "/v1/Configuration", 200);
    const service = await ok("POST", "/v1/Services", "/v1/Services", 201, { FriendlyName: "New default" });
    const after = await ok("POST", "/v1/Configuration", "/v1/Configuration", 200, { DefaultChatServiceSid: service.sid });
    expect(after.default_chat_service_sid).toBe(service.sid);
    expect(after.default_chat_service_sid).not.toBe(before.default_chat_service_sid);
    expect((await createConversation()).chat_service_sid).toBe(service.sid);
  });
});

describe("the @twilio-kit/core client", () => {
  it("runs the README flow", async () => {
    const receiver = await startReceiver(() => ({ type: "text/plain", body: "" }));
    try {
      const twilio = await sandbox.client();
      await twilio.request("POST /conversations/v1/Configuration/Webhooks", { PostWebhookUrl: `${receiver.url}/conversations`, Filters: ["onMessageAdded"] });
      const conversation = await twilio.request("POST /conversations/v1/Conversations", { FriendlyName: "Support" });
      await twilio.request("POST /conversations/v1/Conversations/{ConversationSid}/Participants", {
        ConversationSid: conversation.sid!,
        "MessagingBinding.Address": HANDSET,
        "MessagingBinding.ProxyAddress": sandbox.phoneNumber,
      });
      await sandbox.inboundSms({ from: HANDSET, to: sandbox.phoneNumber, body: "Hi" });
      expect(receiver.received.map((r) => [r.params.EventType, r.params.Source, r.params.Body])).toEqual([["onMessageAdded", "SMS", "Hi"]]);
    } finally {
      await receiver.close();
    }
  });
});
