import { describe, expect, it } from "vitest";
import { parseFormBody, parseIncomingMessage, parseTwilioWebhook, TwilioWebhookPayloadError } from "../src/index.js";

const inbound = parseFormBody(
  "ToCountry=US&MediaContentType0=image%2Fjpeg&ToState=CA&SmsMessageSid=SM1&NumMedia=2&ToCity=&FromZip=94105&SmsSid=SM1&FromState=CA" +
    "&SmsStatus=received&FromCity=SAN+FRANCISCO&Body=Hi+there&FromCountry=US&To=%2B15005550001&ToZip=&NumSegments=1&MessageSid=SM1" +
    "&AccountSid=AC1&From=%2B15005550006&ApiVersion=2010-04-01&MediaUrl0=https%3A%2F%2Fm%2F0&MediaUrl1=https%3A%2F%2Fm%2F1&MediaContentType1=image%2Fpng",
);

describe("payload parsers", () => {
  it("reads an incoming MMS with its indexed media and geo fields", () => {
    const message = parseIncomingMessage(inbound);
    expect(message).toMatchObject({ type: "incoming-message", MessageSid: "SM1", Body: "Hi there", From: "+15005550006", NumMedia: 2, NumSegments: 1, FromCity: "SAN FRANCISCO", ToCity: "" });
    expect(message.media).toEqual([
      { url: "https://m/0", contentType: "image/jpeg" },
      { url: "https://m/1", contentType: "image/png" },
    ]);
    expect(message.params.SmsSid).toBe("SM1");
  });

  it("recognises each webhook kind by its parameters", () => {
    expect(parseTwilioWebhook(inbound)?.type).toBe("incoming-message");
    expect(parseTwilioWebhook({ MessageSid: "SM1", AccountSid: "AC1", MessageStatus: "undelivered", ErrorCode: "30003" })).toMatchObject({ type: "message-status", ErrorCode: 30003, MessageStatus: "undelivered" });
    const call = { CallSid: "CA1", AccountSid: "AC1", From: "+1", To: "+2", CallStatus: "ringing", Direction: "inbound" };
    expect(parseTwilioWebhook(call)?.type).toBe("incoming-call");
    expect(parseTwilioWebhook({ ...call, Digits: "1234" })).toMatchObject({ type: "gather", Digits: "1234" });
    expect(parseTwilioWebhook({ ...call, SpeechResult: "yes", Confidence: "0.9" })).toMatchObject({ type: "gather", Confidence: 0.9 });
    expect(parseTwilioWebhook({ ...call, CallStatus: "completed", CallDuration: "12", CallbackSource: "call-progress-events" })).toMatchObject({ type: "call-status", CallDuration: 12 });
    expect(parseTwilioWebhook({ Foo: "bar" })).toBeUndefined();
  });

  it("throws a named error when a required parameter is missing", () => {
    expect(() => parseIncomingMessage({ MessageSid: "SM1" })).toThrow(TwilioWebhookPayloadError);
    expect(parseTwilioWebhook({ MessageSid: "SM1" })).toBeUndefined();
  });
});
