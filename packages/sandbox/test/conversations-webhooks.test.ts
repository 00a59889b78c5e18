// Conversations v1 webhooks and SMS: inbound SMS routed into conversations, signed post-event webhooks
// filtered by Filters, pre-event hooks, conversation-scoped webhooks, autocreation, and an Express app.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SandboxHandle } from "../src/index.js";
import { api, control, isSigned, startReceiver } from "./helpers.js";
import { conversationsKit, HANDSET, WEBHOOKS_ON } from "./conversations-kit.js";

const { kit, call, ok, createConversation, addParticipant, addMessage, smsParticipant, officialClient } = conversationsKit();
let sandbox: SandboxHandle;
beforeAll(() => {
  sandbox = kit.sandbox;
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
