import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { api, control, isSigned, startReceiver } from "./helpers.js";

let sandbox: SandboxHandle;
let messagesPath: string;
const send = (form: Record<string, string | string[]>) =>
  api(sandbox.url, "POST", messagesPath, { user: sandbox.accountSid, password: sandbox.authToken, form });
const get = (path: string) => api(sandbox.url, "GET", path, { user: sandbox.accountSid, password: sandbox.authToken });

beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual", startTimeMs: Date.UTC(2025, 0, 15, 12) });
  messagesPath = `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`;
});
afterEach(() => sandbox.stop());

describe("creating messages", () => {
  it("creates a queued message shaped like Twilio's, with strings for counts", async () => {
    const { status, body } = await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: "Hello" });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      status: "queued",
      direction: "outbound-api",
      num_segments: "1",
      num_media: "0",
      price: null,
      date_sent: null,
      error_code: null,
      api_version: "2010-04-01",
      date_created: "Wed, 15 Jan 2025 12:00:00 +0000",
    });
    expect(body.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(body.uri).toBe(`/2010-04-01/Accounts/${sandbox.accountSid}/Messages/${body.sid}.json`);
    expect(body.subresource_uris.media).toBe(`/2010-04-01/Accounts/${sandbox.accountSid}/Messages/${body.sid}/Media.json`);
    expect(Object.keys(body).some((key) => key.startsWith("_"))).toBe(false);
  });

  it("works through the @twilio-kit/core client with the baseUrl rule", async () => {
    const twilio = await sandbox.client();
    const message = await twilio.request("POST /2010-04-01/Accounts/{AccountSid}/Messages.json", { To: "+15558675310", From: sandbox.phoneNumber, Body: "via core" });
    const fetched = await twilio.request("GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json", { Sid: message.sid! });
    expect(fetched.body).toBe("via core");
  });

  it("counts GSM-7 and UCS-2 segments like a handset", async () => {
    const long = await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: "a".repeat(161) });
    expect(long.body.num_segments).toBe("2");
    const emoji = await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: "😀".repeat(36) });
    expect(emoji.body.num_segments).toBe("2");
    const extended = await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: "{".repeat(80) });
    expect(extended.body.num_segments).toBe("1");
  });

  it("stores MMS media from repeated MediaUrl keys and lists them", async () => {
    const { body } = await send({ To: "+15558675310", From: sandbox.phoneNumber, MediaUrl: ["https://example.com/a.png", "https://example.com/b.jpg", "https://example.com/c.gif"] });
    expect(body.sid).toMatch(/^MM/);
    expect(body.num_media).toBe("3");
    const media = await get(`/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages/${body.sid}/Media.json`);
    expect(media.body.media_list.map((item: { content_type: string }) => item.content_type)).toEqual(["image/png", "image/jpeg", "image/gif"]);
    const one = await get(`/api${media.body.media_list[0].uri}`);
    expect(one.body.parent_sid).toBe(body.sid);
  });

  it.each([
    [{ From: "+15555550100", Body: "x" }, 21604],
    [{ To: "+15558675310", Body: "x" }, 21603],
    [{ To: "+15558675310", From: "+15555550100" }, 21602],
    [{ To: "not-a-number", From: "+15555550100", Body: "x" }, 21211],
    [{ To: "+15558675310", From: "+15555550199", Body: "x" }, 21606],
    [{ To: "+15558675310", From: "+15555550100", Body: "x".repeat(1601) }, 21617],
    [{ To: "+15558675310", From: "+15555550100", MediaUrl: "ftp://nope" }, 21620],
    [{ To: "+15555550100", From: "+15555550100", Body: "x" }, 21266],
  ])("rejects %j with code %i", async (form, code) => {
    const { status, body } = await send(form as Record<string, string>);
    expect(status).toBe(400);
    expect(body).toMatchObject({ code, status: 400, more_info: `https://www.twilio.com/docs/errors/${code}` });
  });

  it.each([
    ["From", "+15005550001", 21212],
    ["From", "+15005550007", 21606],
    ["From", "+15005550008", 21611],
    ["To", "+15005550001", 21211],
    ["To", "+15005550002", 21612],
    ["To", "+15005550003", 21408],
    ["To", "+15005550004", 21610],
    ["To", "+15005550009", 21614],
  ])("answers the magic %s %s with %i as Twilio's test credentials do", async (field, value, code) => {
    const form = { To: "+15558675310", From: "+15005550006", Body: "magic", [field]: value };
    const { body } = await send(form);
    expect(body.code).toBe(code);
  });

  it("accepts the magic From +15005550006 in any account", async () => {
    const { status } = await send({ To: "+15558675310", From: "+15005550006", Body: "ok" });
    expect(status).toBe(201);
  });
});

describe("the message lifecycle", () => {
  it("moves queued → sending → sent → delivered only when the clock advances", async () => {
    const { body } = await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: "hi" });
    const statuses: string[] = [];
    sandbox.onEvent((event) => {
      if (event.type === "message.status" && event.sid === body.sid) statuses.push(event.status as string);
    });
    expect((await get(`/api${body.uri}`)).body.status).toBe("queued");
    await sandbox.advance(60_000);
    expect(statuses).toEqual(["sending", "sent", "delivered"]);
    const fetched = (await get(`/api${body.uri}`)).body;
    expect(fetched).toMatchObject({ status: "delivered", price: "-0.00790", price_unit: "USD" });
    expect(fetched.date_sent).toMatch(/\+0000$/);
  });

  it("sends signed status callbacks for sent and delivered, none for queued", async () => {
    const receiver = await startReceiver();
    try {
      await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: "hi", StatusCallback: `${receiver.url}/status?x=1` });
      await sandbox.advance(60_000);
      expect(receiver.received.map((request) => request.params.MessageStatus)).toEqual(["sent", "delivered"]);
      for (const request of receiver.received) {
        expect(await isSigned(request, sandbox.authToken)).toBe(true);
        expect(request.headers["i-twilio-idempotency-token"]).toMatch(/^AC/);
        expect(request.headers["user-agent"]).toBe("TwilioProxy/1.1");
        expect(request.params).toMatchObject({ SmsStatus: request.params.MessageStatus, AccountSid: sandbox.accountSid, ApiVersion: "2010-04-01" });
      }
      expect(receiver.received[1]!.params.RawDlrDoneDate).toMatch(/^\d{10}$/);
    } finally {
      await receiver.close();
    }
  });

  it("fails deliveries to +1…3000x numbers with that 30xxx code", async () => {
    const receiver = await startReceiver();
    try {
      const undelivered = await send({ To: "+15555530003", From: sandbox.phoneNumber, Body: "x", StatusCallback: receiver.url });
      const failed = await send({ To: "+15555530008", From: sandbox.phoneNumber, Body: "x" });
      await sandbox.advance(60_000);
      expect((await get(`/api${undelivered.body.uri}`)).body).toMatchObject({ status: "undelivered", error_code: 30003 });
      expect((await get(`/api${failed.body.uri}`)).body).toMatchObject({ status: "failed", error_code: 30008 });
      expect(receiver.received.at(-1)!.params).toMatchObject({ MessageStatus: "undelivered", ErrorCode: "30003" });
    } finally {
      await receiver.close();
    }
  });

  it("schedules a message with SendAt and cancels it", async () => {
    const sendAt = new Date(Date.UTC(2025, 0, 15, 13)).toISOString();
    const { body } = await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: "later", SendAt: sendAt, ScheduleType: "fixed" });
    expect(body.status).toBe("scheduled");
    const canceled = await api(sandbox.url, "POST", `/api${body.uri}`, { user: sandbox.accountSid, password: sandbox.authToken, form: { Status: "canceled" } });
    expect(canceled.body.status).toBe("canceled");
    await sandbox.advance(2 * 3_600_000);
    expect((await get(`/api${body.uri}`)).body.status).toBe("canceled");
  });

  it("refuses to cancel a message that is not scheduled", async () => {
    const { body } = await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: "now" });
    const result = await api(sandbox.url, "POST", `/api${body.uri}`, { user: sandbox.accountSid, password: sandbox.authToken, form: { Status: "canceled" } });
    expect(result.status).toBe(400);
  });
});

describe("reading, redacting and deleting messages", () => {
  it("lists newest first across pages with PageToken URIs", async () => {
    const sids: string[] = [];
    for (let i = 0; i < 5; i++) sids.push((await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: `m${i}` })).body.sid);
    const seen: string[] = [];
    let page = (await get(`${messagesPath}?PageSize=2`)).body;
    expect(page.first_page_uri).toBe(`/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json?PageSize=2&Page=0`);
    for (;;) {
      seen.push(...page.messages.map((message: { sid: string }) => message.sid));
      if (!page.next_page_uri) break;
      expect(page.next_page_uri).toMatch(/PageToken=PA\d+/);
      page = (await get(`/api${page.next_page_uri}`)).body;
    }
    expect(seen).toEqual([...sids].reverse());
    expect(page.previous_page_uri).toMatch(/PageToken=PB\d+/);
    const previous = (await get(`/api${page.previous_page_uri}`)).body;
    expect(previous.messages.map((message: { sid: string }) => message.sid)).toEqual([sids[2], sids[1]]);
  });

  it("filters by To, From and DateSent", async () => {
    await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: "a" });
    await send({ To: "+15558675311", From: sandbox.phoneNumber, Body: "b" });
    await sandbox.advance(60_000);
    const byTo = (await get(`${messagesPath}?To=%2B15558675311`)).body;
    expect(byTo.messages.map((message: { body: string }) => message.body)).toEqual(["b"]);
    expect((await get(`${messagesPath}?DateSent=2025-01-15`)).body.messages).toHaveLength(2);
    expect((await get(`${messagesPath}?DateSent=2025-01-16`)).body.messages).toHaveLength(0);
    expect((await get(`${messagesPath}?DateSent%3E=2025-01-16`)).body.messages).toHaveLength(0);
    expect((await get(`${messagesPath}?DateSent%3C=2025-01-15`)).body.messages).toHaveLength(2);
  });

  it("counts a message for DateSent filters only once its sent time has come", async () => {
    await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: "a" });
    expect((await get(`${messagesPath}?DateSent=2025-01-15`)).body.messages).toHaveLength(0);
    expect((await get(messagesPath)).body.messages[0]).toMatchObject({ status: "queued", date_sent: null });
    await sandbox.advance(500);
    const [listed] = (await get(`${messagesPath}?DateSent=2025-01-15`)).body.messages;
    expect(listed).toMatchObject({ status: "sent", price: "-0.00790" });
    expect(listed.date_sent).toBe("Wed, 15 Jan 2025 12:00:00 +0000");
  });

  it("re-plans the lifecycle after a forced status: sent, then delivered with its callback", async () => {
    const receiver = await startReceiver();
    try {
      const { body } = await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: "hi", StatusCallback: receiver.url });
      const statuses: string[] = [];
      sandbox.onEvent((event) => {
        if (event.type === "message.status" && event.sid === body.sid) statuses.push(event.status as string);
      });
      await control(sandbox.url, "POST", `/messages/${body.sid}/status`, { Status: "sent" });
      await sandbox.advance(60_000);
      expect(statuses).toEqual(["sent", "delivered"]);
      // forced at the very time of a planned step: the new plan has the same times, and no step doubles
      const { body: second } = await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: "again" });
      statuses.length = 0;
      sandbox.onEvent((event) => {
        if (event.type === "message.status" && event.sid === second.sid) statuses.push(event.status as string);
      });
      await sandbox.advance(100);
      await control(sandbox.url, "POST", `/messages/${second.sid}/status`, { Status: "sending" });
      await sandbox.advance(60_000);
      expect(statuses).toEqual(["sending", "sending", "sent", "delivered"]);
      expect(receiver.received.map((request) => request.params.MessageStatus)).toEqual(["sent", "delivered"]);
      expect((await get(`/api${body.uri}`)).body.status).toBe("delivered");
    } finally {
      await receiver.close();
    }
  });

  it("stops the lifecycle of a deleted message and of everything on reset", async () => {
    const { body } = await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: "hi" });
    const { body: other } = await send({ To: "+15558675311", From: sandbox.phoneNumber, Body: "hi", StatusCallback: "http://127.0.0.1:9/none" });
    const events: string[] = [];
    sandbox.onEvent((event) => {
      if (event.type === "message.status") events.push(`${event.sid === body.sid ? "a" : "b"} ${event.status}`);
    });
    // a sent message may be deleted while its delivery is still ahead
    await control(sandbox.url, "POST", `/messages/${body.sid}/status`, { Status: "sent" });
    expect((await api(sandbox.url, "DELETE", `/api${body.uri}`, { user: sandbox.accountSid, password: sandbox.authToken })).status).toBe(204);
    await sandbox.advance(1_000);
    expect(events).toEqual(["a sent", "b sending", "b sent"]);
    sandbox.reset();
    await sandbox.advance(60_000);
    expect(events).toEqual(["a sent", "b sending", "b sent"]);
    expect(sandbox.webhooks(other.sid)).toEqual([]);
  });

  it("redacts the body of a delivered message and deletes it", async () => {
    const { body } = await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: "secret" });
    const early = await api(sandbox.url, "DELETE", `/api${body.uri}`, { user: sandbox.accountSid, password: sandbox.authToken });
    expect(early.status).toBe(400);
    await sandbox.advance(60_000);
    const redacted = await api(sandbox.url, "POST", `/api${body.uri}`, { user: sandbox.accountSid, password: sandbox.authToken, form: { Body: "" } });
    expect(redacted.body.body).toBe("");
    const deleted = await api(sandbox.url, "DELETE", `/api${body.uri}`, { user: sandbox.accountSid, password: sandbox.authToken });
    expect(deleted.status).toBe(204);
    expect((await get(`/api${body.uri}`)).body).toMatchObject({ status: 404, code: 20404 });
  });
});

describe("inbound messages", () => {
  it("posts Twilio's parameters to SmsUrl and sends the <Message> reply as outbound-reply", async () => {
    const receiver = await startReceiver(() => ({ body: '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks &amp; bye</Message></Response>' }));
    try {
      await control(sandbox.url, "POST", "/seed", { numbers: [{ phoneNumber: "+15555550111", smsUrl: `${receiver.url}/sms` }] });
      const result = await sandbox.inboundSms({ from: "+15558675310", to: "+15555550111", body: "Hi", mediaUrls: ["https://example.com/cat.jpg"] });
      const request = receiver.received[0]!;
      expect(await isSigned(request, sandbox.authToken)).toBe(true);
      expect(request.params).toMatchObject({
        From: "+15558675310",
        To: "+15555550111",
        Body: "Hi",
        NumMedia: "1",
        NumSegments: "1",
        SmsStatus: "received",
        MediaUrl0: "https://example.com/cat.jpg",
        MediaContentType0: "image/jpeg",
        ApiVersion: "2010-04-01",
        AccountSid: sandbox.accountSid,
      });
      expect(request.params.MessageSid).toBe(request.params.SmsSid);
      expect(request.params.SmsMessageSid).toBe(request.params.MessageSid);
      expect(result.replies).toHaveLength(1);
      expect(result.replies[0]).toMatchObject({ direction: "outbound-reply", to: "+15558675310", from: "+15555550111", body: "Thanks & bye", status: "queued" });
      await sandbox.advance(60_000);
      await sandbox.waitForMessageStatus(result.replies[0]!.sid as string, "delivered");
    } finally {
      await receiver.close();
    }
  });

  it("follows <Redirect> and honours GET as SmsMethod", async () => {
    const receiver = await startReceiver((request) =>
      request.path === "/first" ? { body: "<Response><Redirect method=\"GET\">/second?step=2</Redirect></Response>" } : { body: "<Response><Message to=\"+15550001111\">redirected</Message></Response>" },
    );
    try {
      await control(sandbox.url, "POST", "/seed", { numbers: [{ phoneNumber: "+15555550112", smsUrl: `${receiver.url}/first`, smsMethod: "GET" }] });
      const result = await sandbox.inboundSms({ from: "+15558675310", to: "+15555550112", body: "go" });
      expect(receiver.received.map((request) => `${request.method} ${request.path}`)).toEqual(["GET /first", "GET /second"]);
      expect(await isSigned(receiver.received[0]!, sandbox.authToken)).toBe(true);
      expect(result.replies[0]).toMatchObject({ to: "+15550001111", body: "redirected" });
    } finally {
      await receiver.close();
    }
  });

  it("records alerts for a failing SmsUrl and uses SmsFallbackUrl", async () => {
    const receiver = await startReceiver((request) =>
      request.path === "/broken" ? { status: 500, body: "boom" } : request.path === "/bad-xml" ? { body: "<Response><Message>" } : { body: "<Response><Message>fallback</Message></Response>" },
    );
    try {
      await control(sandbox.url, "POST", "/seed", {
        numbers: [
          { phoneNumber: "+15555550113", smsUrl: `${receiver.url}/broken`, smsFallbackUrl: `${receiver.url}/fallback` },
          { phoneNumber: "+15555550114", smsUrl: `${receiver.url}/bad-xml` },
          { phoneNumber: "+15555550115", smsUrl: `${receiver.url}/plain` },
        ],
      });
      const first = await sandbox.inboundSms({ from: "+15558675310", to: "+15555550113", body: "1" });
      expect(first.replies[0]).toMatchObject({ body: "fallback" });
      await sandbox.inboundSms({ from: "+15558675310", to: "+15555550114", body: "2" });
      const alerts = (await control(sandbox.url, "GET", "/alerts")).body.alerts;
      expect(alerts.map((alert: { error_code: string }) => alert.error_code)).toEqual(["11200", "12100"]);
    } finally {
      await receiver.close();
    }
  });

  it("answers 12300 when the reply is not XML", async () => {
    const receiver = await startReceiver(() => ({ type: "application/json", body: "{}" }));
    try {
      await control(sandbox.url, "POST", "/seed", { numbers: [{ phoneNumber: "+15555550116", smsUrl: receiver.url }] });
      await sandbox.inboundSms({ from: "+15558675310", to: "+15555550116", body: "x" });
      expect((await control(sandbox.url, "GET", "/alerts")).body.alerts[0].error_code).toBe("12300");
    } finally {
      await receiver.close();
    }
  });

  it("honours STOP: later sends to that recipient fail with 21610", async () => {
    await sandbox.inboundSms({ from: "+15558675310", to: sandbox.phoneNumber, body: "stop" });
    const { body } = await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: "promo" });
    expect(body.code).toBe(21610);
    await sandbox.inboundSms({ from: "+15558675310", to: sandbox.phoneNumber, body: "START" });
    expect((await send({ To: "+15558675310", From: sandbox.phoneNumber, Body: "welcome back" })).status).toBe(201);
  });

  it("waits for a reply message with waitForMessage", async () => {
    const receiver = await startReceiver(() => ({ body: "<Response><Message>pong</Message></Response>" }));
    try {
      await control(sandbox.url, "POST", "/seed", { numbers: [{ phoneNumber: "+15555550117", smsUrl: receiver.url }] });
      const waiting = sandbox.waitForMessage({ to: "+15558675399", direction: "outbound-reply" });
      await control(sandbox.url, "POST", "/messages/inbound", { From: "+15558675399", To: "+15555550117", Body: "ping" });
      expect((await waiting).body).toBe("pong");
    } finally {
      await receiver.close();
    }
  });
});
