// num_segments, price and Smart Encoding of sandbox messages: counted by @twilio-kit/core/segments, as
// Twilio counts them, through plain HTTP and the official twilio client.
import { segments } from "@twilio-kit/core/segments";
import twilio from "twilio";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { api } from "./helpers.js";
import { schemaProblems } from "./schema.js";

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterAll(() => sandbox.stop());
beforeEach(() => sandbox.reset());

const TO = "+15558675310";
type Form = Record<string, string | string[]>;
const main = (method: string, path: string, form?: Form) => api(sandbox.url, method, path, { user: sandbox.accountSid, password: sandbox.authToken, form });
const v2010 = (method: string, path: string, form?: Form) => main(method, `/api/2010-04-01/Accounts/${sandbox.accountSid}${path}`, form);

async function send(form: Form) {
  const created = await v2010("POST", "/Messages.json", { To: TO, From: sandbox.phoneNumber, ...form });
  expect(created.body?.message ?? "").toBe("");
  expect(created.status).toBe(201);
  expect(schemaProblems("api_v2010", "/2010-04-01/Accounts/{AccountSid}/Messages.json", "POST", created.body)).toEqual([]);
  return created.body;
}

/** A Messaging Service with the default number in its pool. */
async function serviceWithSender(form: Form = {}) {
  const service = await main("POST", "/messaging/v1/Services", { FriendlyName: "Segments", ...form });
  expect(service.status).toBe(201);
  const numberSid = (await v2010("GET", "/IncomingPhoneNumbers.json")).body.incoming_phone_numbers[0].sid as string;
  expect((await main("POST", `/messaging/v1/Services/${service.body.sid}/PhoneNumbers`, { PhoneNumberSid: numberSid })).status).toBe(201);
  return service.body as { sid: string; smart_encoding: boolean };
}

describe("num_segments", () => {
  it.each([
    ["160 GSM-7 characters", "a".repeat(160), "1"],
    ["161 GSM-7 characters", "a".repeat(161), "2"],
    ["306 GSM-7 characters (two full 153-septet parts)", "a".repeat(306), "2"],
    ["307 GSM-7 characters", "a".repeat(307), "3"],
    ["80 extension characters (160 septets)", "€".repeat(80), "1"],
    ["81 extension characters (162 septets)", "€".repeat(81), "2"],
    ["70 UCS-2 characters", "й".repeat(70), "1"],
    ["71 UCS-2 characters", "й".repeat(71), "2"],
    ["35 emoji (70 UTF-16 units)", "😀".repeat(35), "1"],
    ["36 emoji (72 units, two parts)", "😀".repeat(36), "2"],
    ["2 letters and 66 emoji (134 units: three parts, a surrogate pair never split)", `aa${"😀".repeat(66)}`, "3"],
  ])("counts %s as Twilio does", async (_name, body, expected) => {
    const message = await send({ Body: body });
    expect(message.num_segments).toBe(expected);
    expect(message.num_segments).toBe(String(segments(body).segments));
  });

  it("prices a message per segment once it is sent", async () => {
    const message = await send({ Body: "a".repeat(161) });
    await sandbox.advance(5_000);
    const fetched = await v2010("GET", `/Messages/${message.sid}.json`);
    expect(fetched.body.status).toBe("delivered");
    expect(fetched.body.price).toBe("-0.01580");
  });

  it("counts one segment for a media-only MMS", async () => {
    const message = await send({ MediaUrl: "https://example.com/cat.jpg" });
    expect(message.num_segments).toBe("1");
  });
});

describe("Smart Encoding", () => {
  const CURLY = "It’s “smart” — isn’t it…";

  it("keeps the body and counts UCS-2 without SmartEncoded", async () => {
    const message = await send({ Body: CURLY });
    expect(message.body).toBe(CURLY);
    expect(message.num_segments).toBe("1");
    const long = await send({ Body: `${CURLY} ${"x".repeat(60)}` });
    expect(long.num_segments).toBe("2");
  });

  it("replaces look-alike characters with SmartEncoded=true, storing the body as sent", async () => {
    const long = `${CURLY} ${"x".repeat(60)}`;
    const message = await send({ Body: long, SmartEncoded: "true" });
    expect(message.body).toBe(`It's "smart" - isn't it... ${"x".repeat(60)}`);
    expect(message.num_segments).toBe("1");
    const fetched = await v2010("GET", `/Messages/${message.sid}.json`);
    expect(fetched.body.body).toBe(message.body);
  });

  it("leaves a body with an emoji untouched even with SmartEncoded=true", async () => {
    const message = await send({ Body: "“Hi” 😀", SmartEncoded: "true" });
    expect(message.body).toBe("“Hi” 😀");
  });

  it("applies a Messaging Service's smart_encoding (on by default) unless SmartEncoded=false", async () => {
    const service = await serviceWithSender();
    expect(service.smart_encoding).toBe(true);
    const encoded = await send({ Body: "“quoted”", MessagingServiceSid: service.sid });
    expect(encoded.body).toBe('"quoted"');
    const kept = await send({ Body: "“quoted”", MessagingServiceSid: service.sid, SmartEncoded: "false" });
    expect(kept.body).toBe("“quoted”");
  });

  it("sends the original body through a service whose smart_encoding is off", async () => {
    const service = await serviceWithSender({ SmartEncoding: "false" });
    expect(service.smart_encoding).toBe(false);
    const message = await send({ Body: "“quoted”", MessagingServiceSid: service.sid });
    expect(message.body).toBe("“quoted”");
  });

  it("is honoured through the official twilio client", async () => {
    const inner = new twilio.RequestClient();
    const httpClient = {
      request: (opts: any) => inner.request({ ...opts, uri: String(opts.uri).replace(/^https:\/\/([a-z0-9-]+)\.twilio\.com/, `${sandbox.url}/$1`) }),
    };
    const client = twilio(sandbox.accountSid, sandbox.authToken, { httpClient: httpClient as never });
    const message = await client.messages.create({ to: TO, from: sandbox.phoneNumber, body: "Don’t – wait", smartEncoded: true });
    expect(message.body).toBe("Don't - wait");
    expect(message.numSegments).toBe("1");
  });
});
