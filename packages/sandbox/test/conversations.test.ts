// Conversations v1 resources through real HTTP, the schema checker and the official twilio client:
// services, conversations, participants (chat and SMS bindings), messages, users and roles.
import { beforeAll, describe, expect, it } from "vitest";
import type { SandboxHandle } from "../src/index.js";
import { api, startReceiver } from "./helpers.js";
import { conversationsKit, HANDSET } from "./conversations-kit.js";

const { kit, call, ok, createConversation, addParticipant, addMessage, smsParticipant, officialClient } = conversationsKit();
let sandbox: SandboxHandle;
beforeAll(() => {
  sandbox = kit.sandbox;
});

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
