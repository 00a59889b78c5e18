import twilio from "twilio";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { api, isSigned, startReceiver } from "./helpers.js";
import { schemaProblems } from "./schema.js";

let sandbox: SandboxHandle;
const SPEC = "messaging_v1";

type Form = Record<string, string | string[]>;
const as = (user: string, password: string) => (method: string, path: string, form?: Form) => api(sandbox.url, method, path, { user, password, form });
const main = (method: string, path: string, form?: Form) => as(sandbox.accountSid, sandbox.authToken)(method, path, form);
const messaging = (method: string, path: string, form?: Form) => main(method, `/messaging/v1${path}`, form);
const v2010 = (method: string, path: string, form?: Form) => main(method, `/api/2010-04-01/Accounts/${sandbox.accountSid}${path}`, form);

async function buyNumber(phoneNumber: string, form: Form = {}): Promise<{ sid: string; phone_number: string }> {
  const bought = await v2010("POST", "/IncomingPhoneNumbers.json", { PhoneNumber: phoneNumber, ...form });
  expect(bought.status).toBe(201);
  return bought.body;
}

async function createService(form: Form = {}): Promise<Record<string, any>> {
  const created = await messaging("POST", "/Services", { FriendlyName: "Notifications", ...form });
  expect(created.status).toBe(201);
  expect(schemaProblems(SPEC, "/v1/Services", "POST", created.body)).toEqual([]);
  return created.body;
}

async function addSender(serviceSid: string, phoneNumberSid: string) {
  const added = await messaging("POST", `/Services/${serviceSid}/PhoneNumbers`, { PhoneNumberSid: phoneNumberSid });
  expect(added.status).toBe(201);
  expect(schemaProblems(SPEC, "/v1/Services/{ServiceSid}/PhoneNumbers", "POST", added.body)).toEqual([]);
  return added.body;
}

const defaultNumberSid = async () => (await v2010("GET", "/IncomingPhoneNumbers.json")).body.incoming_phone_numbers[0].sid as string;

beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual", startTimeMs: Date.UTC(2025, 0, 15, 12) });
});
afterEach(() => sandbox.stop());

describe("Messaging Services", () => {
  it("creates, fetches, lists, updates and deletes services shaped like Twilio's", async () => {
    const service = await createService({ InboundRequestUrl: "https://example.com/in", InboundMethod: "get", StickySender: "false" });
    expect(service.sid).toMatch(/^MG[0-9a-f]{32}$/);
    expect(service).toMatchObject({
      account_sid: sandbox.accountSid,
      friendly_name: "Notifications",
      inbound_request_url: "https://example.com/in",
      inbound_method: "GET",
      fallback_url: null,
      sticky_sender: false,
      use_inbound_webhook_on_number: false,
      validity_period: 36000,
      date_created: "2025-01-15T12:00:00Z",
      url: `https://messaging.twilio.com/v1/Services/${service.sid}`,
    });
    expect(service.links.phone_numbers).toBe(`https://messaging.twilio.com/v1/Services/${service.sid}/PhoneNumbers`);

    const fetched = await messaging("GET", `/Services/${service.sid}`);
    expect(fetched.body).toEqual(service);
    expect(schemaProblems(SPEC, "/v1/Services/{Sid}", "GET", fetched.body)).toEqual([]);

    await createService({ FriendlyName: "Second" });
    const listed = await messaging("GET", "/Services?PageSize=1");
    expect(listed.status).toBe(200);
    expect(schemaProblems(SPEC, "/v1/Services", "GET", listed.body)).toEqual([]);
    expect(listed.body.services.map((item: { sid: string }) => item.sid)).toEqual([service.sid]);
    expect(listed.body.meta).toMatchObject({ key: "services", page: 0, page_size: 1 });
    expect(listed.body.meta.next_page_url).toMatch(/^https:\/\/messaging\.twilio\.com\/v1\/Services\?/);

    await sandbox.advance(1_000);
    const updated = await messaging("POST", `/Services/${service.sid}`, { FriendlyName: "Renamed", StatusCallback: "https://example.com/status", InboundRequestUrl: "" });
    expect(updated.status).toBe(200);
    expect(schemaProblems(SPEC, "/v1/Services/{Sid}", "POST", updated.body)).toEqual([]);
    expect(updated.body).toMatchObject({ friendly_name: "Renamed", status_callback: "https://example.com/status", inbound_request_url: null, date_updated: "2025-01-15T12:00:01Z" });

    expect((await messaging("DELETE", `/Services/${service.sid}`)).status).toBe(204);
    const gone = await messaging("GET", `/Services/${service.sid}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe(20404);
  });

  it("rejects bad input with 4xx and Twilio codes", async () => {
    const missing = await messaging("POST", "/Services", {});
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe(20001);
    const badUrl = await messaging("POST", "/Services", { FriendlyName: "x", InboundRequestUrl: "not a url" });
    expect(badUrl.status).toBe(400);
    const badBool = await messaging("POST", "/Services", { FriendlyName: "x", StickySender: "maybe" });
    expect(badBool.status).toBe(400);
    const badValidity = await messaging("POST", "/Services", { FriendlyName: "x", ValidityPeriod: "0" });
    expect(badValidity.status).toBe(400);
    expect((await messaging("GET", "/Services/MG00000000000000000000000000000000")).status).toBe(404);
    expect((await messaging("GET", "/Services/nope")).status).toBe(404);
  });

  it("adds, lists, fetches and removes senders of the pool", async () => {
    const service = await createService();
    const pnSid = await defaultNumberSid();
    const added = await addSender(service.sid, pnSid);
    expect(added).toMatchObject({ sid: pnSid, service_sid: service.sid, account_sid: sandbox.accountSid, phone_number: sandbox.phoneNumber, country_code: "US" });
    expect(added.capabilities).toEqual(["MMS", "SMS", "Voice"]);
    expect(added.url).toBe(`https://messaging.twilio.com/v1/Services/${service.sid}/PhoneNumbers/${pnSid}`);

    const listed = await messaging("GET", `/Services/${service.sid}/PhoneNumbers`);
    expect(schemaProblems(SPEC, "/v1/Services/{ServiceSid}/PhoneNumbers", "GET", listed.body)).toEqual([]);
    expect(listed.body.phone_numbers).toEqual([added]);
    expect(listed.body.meta.key).toBe("phone_numbers");

    const fetched = await messaging("GET", `/Services/${service.sid}/PhoneNumbers/${pnSid}`);
    expect(schemaProblems(SPEC, "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}", "GET", fetched.body)).toEqual([]);
    expect(fetched.body).toEqual(added);

    // one service per number
    const again = await messaging("POST", `/Services/${service.sid}/PhoneNumbers`, { PhoneNumberSid: pnSid });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe(21710);
    const other = await createService({ FriendlyName: "Other" });
    const taken = await messaging("POST", `/Services/${other.sid}/PhoneNumbers`, { PhoneNumberSid: pnSid });
    expect(taken.status).toBe(400);
    expect(taken.body.code).toBe(21712);
    const unknown = await messaging("POST", `/Services/${service.sid}/PhoneNumbers`, { PhoneNumberSid: "PN00000000000000000000000000000000" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe(21421);

    expect((await messaging("DELETE", `/Services/${service.sid}/PhoneNumbers/${pnSid}`)).status).toBe(204);
    expect((await messaging("GET", `/Services/${service.sid}/PhoneNumbers/${pnSid}`)).status).toBe(404);
    // free again: the other service can take it
    await addSender(other.sid, pnSid);
  });

  it("keeps services and pools per account", async () => {
    const sub = (await main("POST", "/api/2010-04-01/Accounts.json", { FriendlyName: "tenant" })).body;
    const asSub = as(sub.sid, sub.auth_token);
    const mine = await createService();
    const theirs = (await asSub("POST", "/messaging/v1/Services", { FriendlyName: "Tenant service" })).body;
    expect(theirs.account_sid).toBe(sub.sid);
    expect((await asSub("GET", "/messaging/v1/Services")).body.services.map((item: { sid: string }) => item.sid)).toEqual([theirs.sid]);
    expect((await asSub("GET", `/messaging/v1/Services/${mine.sid}`)).status).toBe(404);
    expect((await asSub("POST", `/messaging/v1/Services/${mine.sid}`, { FriendlyName: "hijack" })).status).toBe(404);
    expect((await asSub("DELETE", `/messaging/v1/Services/${mine.sid}`)).status).toBe(404);
    // the parent's number is not the subaccount's to pool
    const foreign = await asSub("POST", `/messaging/v1/Services/${theirs.sid}/PhoneNumbers`, { PhoneNumberSid: await defaultNumberSid() });
    expect(foreign.status).toBe(400);
    expect(foreign.body.code).toBe(21421);
    // nor can it send through the parent's service
    await addSender(mine.sid, await defaultNumberSid());
    const sent = await asSub("POST", `/api/2010-04-01/Accounts/${sub.sid}/Messages.json`, { To: "+15558675310", MessagingServiceSid: mine.sid, Body: "x" });
    expect(sent.status).toBe(400);
    expect(sent.body.code).toBe(21705);
    expect((await messaging("GET", "/Services")).body.services.map((item: { sid: string }) => item.sid)).toEqual([mine.sid]);
  });
});

describe("sending through a Messaging Service", () => {
  it("picks a sender from the pool, starts accepted and calls the service's StatusCallback", async () => {
    const receiver = await startReceiver();
    try {
      const service = await createService({ StatusCallback: `${receiver.url}/service-status` });
      await addSender(service.sid, await defaultNumberSid());
      const created = await v2010("POST", "/Messages.json", { To: "+15558675310", MessagingServiceSid: service.sid, Body: "Hello" });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ status: "accepted", from: sandbox.phoneNumber, messaging_service_sid: service.sid });
      expect(schemaProblems("api_v2010", "/2010-04-01/Accounts/{AccountSid}/Messages.json", "POST", created.body)).toEqual([]);
      const fetch = async () => (await v2010("GET", `/Messages/${created.body.sid}.json`)).body;
      expect((await fetch()).status).toBe("accepted");
      await sandbox.advance(1);
      expect((await fetch()).status).toBe("queued");
      await sandbox.advance(100);
      expect((await fetch()).status).toBe("sending");
      await sandbox.advance(400);
      expect((await fetch()).status).toBe("sent");
      await sandbox.advance(1_000);
      const delivered = await fetch();
      expect(delivered).toMatchObject({ status: "delivered", messaging_service_sid: service.sid });
      expect(schemaProblems("api_v2010", "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json", "GET", delivered)).toEqual([]);
      const listed = (await v2010("GET", "/Messages.json")).body.messages;
      expect(listed[0].messaging_service_sid).toBe(service.sid);

      expect(receiver.received.map((request) => request.params.MessageStatus)).toEqual(["sent", "delivered"]);
      for (const request of receiver.received) {
        expect(request.path).toBe("/service-status");
        expect(request.params.MessagingServiceSid).toBe(service.sid);
        expect(await isSigned(request, sandbox.authToken)).toBe(true);
      }
    } finally {
      await receiver.close();
    }
  });

  it("prefers the message's own StatusCallback and keeps messages without a service unchanged", async () => {
    const receiver = await startReceiver();
    try {
      const service = await createService({ StatusCallback: `${receiver.url}/service-status` });
      await addSender(service.sid, await defaultNumberSid());
      await v2010("POST", "/Messages.json", { To: "+15558675310", MessagingServiceSid: service.sid, Body: "own", StatusCallback: `${receiver.url}/own` });
      const plain = await v2010("POST", "/Messages.json", { To: "+15558675310", From: sandbox.phoneNumber, Body: "plain" });
      expect(plain.body).toMatchObject({ status: "queued", messaging_service_sid: null });
      await sandbox.advance(5_000);
      expect(new Set(receiver.received.map((request) => request.path))).toEqual(new Set(["/own"]));
    } finally {
      await receiver.close();
    }
  });

  it("keeps the same sender for the same recipient (sticky sender)", async () => {
    const service = await createService();
    const second = await buyNumber("+15555550177");
    await addSender(service.sid, second.sid);
    await addSender(service.sid, await defaultNumberSid());
    const send = (to: string) => v2010("POST", "/Messages.json", { To: to, MessagingServiceSid: service.sid, Body: "hi" });
    const firstFrom = (await send("+15558675310")).body.from;
    expect(firstFrom).toBe("+15555550177");
    // remove the first sender: new recipients get the remaining one, known ones keep theirs while it is pooled
    await messaging("DELETE", `/Services/${service.sid}/PhoneNumbers/${second.sid}`);
    expect((await send("+15558675311")).body.from).toBe(sandbox.phoneNumber);
    await addSender(service.sid, second.sid);
    expect((await send("+15558675311")).body.from).toBe(sandbox.phoneNumber);
    expect((await send("+15558675310")).body.from).toBe("+15555550177");
  });

  it("checks a From given with the service against the pool", async () => {
    const service = await createService();
    await addSender(service.sid, await defaultNumberSid());
    const outside = await buyNumber("+15555550178");
    const inPool = await v2010("POST", "/Messages.json", { To: "+15558675310", From: sandbox.phoneNumber, MessagingServiceSid: service.sid, Body: "x" });
    expect(inPool.status).toBe(201);
    expect(inPool.body).toMatchObject({ status: "accepted", from: sandbox.phoneNumber, messaging_service_sid: service.sid });
    const notInPool = await v2010("POST", "/Messages.json", { To: "+15558675310", From: outside.phone_number, MessagingServiceSid: service.sid, Body: "x" });
    expect(notInPool.status).toBe(400);
    expect(notInPool.body.code).toBe(21606);
  });

  it("answers 21705 for an unknown service and 21704 for an empty pool", async () => {
    const unknown = await v2010("POST", "/Messages.json", { To: "+15558675310", MessagingServiceSid: "MG00000000000000000000000000000000", Body: "x" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe(21705);
    const empty = await createService();
    const noSenders = await v2010("POST", "/Messages.json", { To: "+15558675310", MessagingServiceSid: empty.sid, Body: "x" });
    expect(noSenders.status).toBe(400);
    expect(noSenders.body.code).toBe(21704);
    // a pooled number released from the account no longer sends
    const released = await buyNumber("+15555550181");
    await addSender(empty.sid, released.sid);
    expect((await v2010("POST", "/Messages.json", { To: "+15558675310", MessagingServiceSid: empty.sid, Body: "x" })).status).toBe(201);
    expect((await v2010("DELETE", `/IncomingPhoneNumbers/${released.sid}.json`)).status).toBe(204);
    expect((await v2010("POST", "/Messages.json", { To: "+15558675310", MessagingServiceSid: empty.sid, Body: "x" })).body.code).toBe(21704);
    // To and Body are still checked first
    const noTo = await v2010("POST", "/Messages.json", { MessagingServiceSid: empty.sid, Body: "x" });
    expect(noTo.body.code).toBe(21604);
  });
});

describe("inbound messages to a number of a Messaging Service", () => {
  it("go to the service's InboundRequestUrl with MessagingServiceSid, then FallbackUrl on failure", async () => {
    const receiver = await startReceiver((request) =>
      request.path === "/broken" ? { status: 500 } : { body: "<Response><Message>Thanks</Message></Response>" },
    );
    try {
      const number = await buyNumber("+15555550179", { SmsUrl: `${receiver.url}/number` });
      const service = await createService({ InboundRequestUrl: `${receiver.url}/service`, InboundMethod: "GET" });
      await addSender(service.sid, number.sid);
      const result = await sandbox.inboundSms({ from: "+15558675310", to: number.phone_number, body: "Hi" });
      expect(receiver.received.map((request) => [request.method, request.path])).toEqual([["GET", "/service"]]);
      expect(receiver.received[0]!.params).toMatchObject({ MessagingServiceSid: service.sid, Body: "Hi", To: number.phone_number });
      expect(await isSigned(receiver.received[0]!, sandbox.authToken)).toBe(true);
      expect(result.message.messaging_service_sid).toBe(service.sid);
      expect(result.replies).toHaveLength(1);

      await messaging("POST", `/Services/${service.sid}`, { InboundRequestUrl: `${receiver.url}/broken`, FallbackUrl: `${receiver.url}/fallback` });
      await sandbox.inboundSms({ from: "+15558675310", to: number.phone_number, body: "Again" });
      expect(receiver.received.slice(1).map((request) => request.path)).toEqual(["/broken", "/fallback"]);
      expect(receiver.received[2]!.params.MessagingServiceSid).toBe(service.sid);

      // deferring to the number's webhook
      await messaging("POST", `/Services/${service.sid}`, { UseInboundWebhookOnNumber: "true" });
      await sandbox.inboundSms({ from: "+15558675310", to: number.phone_number, body: "Third" });
      const last = receiver.received[receiver.received.length - 1]!;
      expect(last.path).toBe("/number");
      expect(last.params.MessagingServiceSid).toBe(service.sid);
    } finally {
      await receiver.close();
    }
  });

  it("leave numbers outside any service on their own SmsUrl without MessagingServiceSid", async () => {
    const receiver = await startReceiver();
    try {
      const number = await buyNumber("+15555550180", { SmsUrl: `${receiver.url}/number` });
      const result = await sandbox.inboundSms({ from: "+15558675310", to: number.phone_number, body: "Hi" });
      expect(receiver.received[0]!.path).toBe("/number");
      expect("MessagingServiceSid" in receiver.received[0]!.params).toBe(false);
      expect(result.message.messaging_service_sid).toBeNull();
    } finally {
      await receiver.close();
    }
  });
});

describe("the official twilio client", () => {
  it("manages a service and its pool and sends through it", async () => {
    const client = twilio(sandbox.accountSid, sandbox.authToken, {
      httpClient: {
        request: (opts: any) => new twilio.RequestClient().request({ ...opts, uri: String(opts.uri).replace(/^https:\/\/([a-z0-9-]+)\.twilio\.com/, `${sandbox.url}/$1`) }),
      } as never,
    });
    const service = await client.messaging.v1.services.create({ friendlyName: "Oracle service", stickySender: true });
    expect(service.sid).toMatch(/^MG/);
    expect(service.stickySender).toBe(true);
    expect(service.dateCreated).toBeInstanceOf(Date);
    const pnSid = await defaultNumberSid();
    const sender = await client.messaging.v1.services(service.sid).phoneNumbers.create({ phoneNumberSid: pnSid });
    expect(sender.phoneNumber).toBe(sandbox.phoneNumber);
    expect((await client.messaging.v1.services(service.sid).phoneNumbers.list()).map((item) => item.sid)).toEqual([pnSid]);
    expect((await client.messaging.v1.services.list()).map((item) => item.sid)).toEqual([service.sid]);
    const message = await client.messages.create({ to: "+15558675310", messagingServiceSid: service.sid, body: "via service" });
    expect(message.status).toBe("accepted");
    expect(message.messagingServiceSid).toBe(service.sid);
    expect(message.from).toBe(sandbox.phoneNumber);
    const updated = await client.messaging.v1.services(service.sid).update({ friendlyName: "Renamed" });
    expect(updated.friendlyName).toBe("Renamed");
    expect(await client.messaging.v1.services(service.sid).phoneNumbers(pnSid).remove()).toBe(true);
    expect(await client.messaging.v1.services(service.sid).remove()).toBe(true);
    await expect(client.messaging.v1.services(service.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });
});
