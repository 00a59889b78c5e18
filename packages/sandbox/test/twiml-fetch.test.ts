// The shared TwiML fetch pipeline (src/outbound/twiml-fetch.ts), through both of its users: inbound
// messages and calls. Same failure, same alert code, same redirect limit.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { MAX_TWIML_DOCUMENTS } from "../src/outbound/twiml-fetch.js";
import { api, control, startReceiver } from "./helpers.js";

let sandbox: SandboxHandle;

beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual", startTimeMs: Date.UTC(2025, 0, 15, 12) });
});
afterEach(() => sandbox.stop());

const alertCodes = async (): Promise<string[]> =>
  (await control(sandbox.url, "GET", "/alerts")).body.alerts.map((alert: { error_code: string }) => alert.error_code);

const createCall = (form: Record<string, string>) =>
  api(sandbox.url, "POST", `/api/2010-04-01/Accounts/${sandbox.accountSid}/Calls.json`, { user: sandbox.accountSid, password: sandbox.authToken, form });

describe("redirect limit", () => {
  it("stops a message reply's redirect loop after 50 documents with warning 14106", async () => {
    const receiver = await startReceiver(() => ({ body: "<Response><Redirect>/again</Redirect></Response>" }));
    try {
      await control(sandbox.url, "POST", "/seed", { numbers: [{ phoneNumber: "+15555550140", smsUrl: `${receiver.url}/sms` }] });
      const result = await sandbox.inboundSms({ from: "+15558675310", to: "+15555550140", body: "loop" });
      expect(MAX_TWIML_DOCUMENTS).toBe(50);
      expect(receiver.received).toHaveLength(MAX_TWIML_DOCUMENTS);
      expect(result.deliveries).toHaveLength(MAX_TWIML_DOCUMENTS);
      expect(await alertCodes()).toEqual(["14106"]);
    } finally {
      await receiver.close();
    }
  });

  it("stops a call's redirect loop after the same 50 documents, with the same code, and ends the call", async () => {
    const receiver = await startReceiver(() => ({ body: "<Response><Redirect>/again</Redirect></Response>" }));
    try {
      const { body } = await createCall({ To: "+15558675310", From: sandbox.phoneNumber, Url: `${receiver.url}/voice` });
      await sandbox.advance(60_000);
      expect(receiver.received).toHaveLength(MAX_TWIML_DOCUMENTS);
      expect(await alertCodes()).toEqual(["14106"]);
      const transcript = sandbox.transcript(body.sid);
      expect(transcript.at(-2)).toMatchObject({ verb: "Say", note: "application error" });
      expect(transcript.at(-1)).toMatchObject({ verb: "End", status: "completed" });
    } finally {
      await receiver.close();
    }
  });

  it("counts only redirects that follow each other: a verb that takes time starts a new chain", async () => {
    let served = 0;
    const receiver = await startReceiver(() => {
      served++;
      // 60 documents in all, each pausing before it redirects: never a loop without time passing
      return { body: served < 60 ? "<Response><Pause length=\"1\"/><Redirect>/next</Redirect></Response>" : "<Response><Hangup/></Response>" };
    });
    try {
      await createCall({ To: "+15558675310", From: sandbox.phoneNumber, Url: `${receiver.url}/voice` });
      await sandbox.advance(200_000);
      expect(served).toBe(60);
      expect(await alertCodes()).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});

describe("failures", () => {
  it("raises 11100 for a <Redirect> without an http(s) URL, in messages and in calls", async () => {
    const receiver = await startReceiver(() => ({ body: "<Response><Redirect>ftp://example.com/next</Redirect></Response>" }));
    try {
      await control(sandbox.url, "POST", "/seed", { numbers: [{ phoneNumber: "+15555550141", smsUrl: `${receiver.url}/sms` }] });
      await sandbox.inboundSms({ from: "+15558675310", to: "+15555550141", body: "x" });
      await createCall({ To: "+15558675310", From: sandbox.phoneNumber, Url: `${receiver.url}/voice` });
      await sandbox.advance(60_000);
      expect(await alertCodes()).toEqual(["11100", "11100"]);
    } finally {
      await receiver.close();
    }
  });

  it("tries a call's FallbackUrl when its Url answers unparseable TwiML", async () => {
    const receiver = await startReceiver((request) =>
      request.path === "/voice" ? { body: "<Response><Say>unclosed</Response>" } : { body: "<Response><Say>from the fallback</Say></Response>" },
    );
    try {
      const { body } = await createCall({ To: "+15558675310", From: sandbox.phoneNumber, Url: `${receiver.url}/voice`, FallbackUrl: `${receiver.url}/fallback` });
      await sandbox.advance(60_000);
      expect(receiver.received.map((request) => request.path)).toEqual(["/voice", "/fallback"]);
      expect(await alertCodes()).toEqual(["12100"]);
      expect(sandbox.transcript(body.sid).some((entry) => entry.text === "from the fallback")).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it("leaves an inbound call whose VoiceUrl fails unanswered when there is no fallback", async () => {
    const receiver = await startReceiver(() => ({ status: 500, body: "boom" }));
    try {
      await control(sandbox.url, "POST", "/seed", { numbers: [{ phoneNumber: "+15555550142", voiceUrl: `${receiver.url}/voice` }] });
      const call = await sandbox.inboundCall({ from: "+15558675310", to: "+15555550142" });
      expect(call).toMatchObject({ status: "failed", duration: "0" });
      expect(await alertCodes()).toEqual(["11200"]);
      expect(sandbox.transcript(call.sid as string).some((entry) => entry.note === "application error")).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it("answers an inbound call and runs VoiceFallbackUrl when VoiceUrl answers unparseable TwiML", async () => {
    const receiver = await startReceiver((request) =>
      request.path === "/voice" ? { body: "<Response><Say>unclosed</Response>" } : { body: "<Response><Say>from the fallback</Say></Response>" },
    );
    try {
      await control(sandbox.url, "POST", "/seed", { numbers: [{ phoneNumber: "+15555550143", voiceUrl: `${receiver.url}/voice`, voiceFallbackUrl: `${receiver.url}/fallback` }] });
      const call = await sandbox.inboundCall({ from: "+15558675310", to: "+15555550143" });
      await sandbox.advance(60_000);
      expect(await alertCodes()).toEqual(["12100"]);
      const transcript = sandbox.transcript(call.sid as string);
      expect(transcript.some((entry) => entry.text === "from the fallback")).toBe(true);
      expect(transcript.at(-1)).toMatchObject({ verb: "End", status: "completed" });
    } finally {
      await receiver.close();
    }
  });

  it("raises 12300 for a call document served as JSON, as it does for messages", async () => {
    const receiver = await startReceiver(() => ({ type: "application/json", body: "{}" }));
    try {
      await createCall({ To: "+15558675310", From: sandbox.phoneNumber, Url: `${receiver.url}/voice` });
      await sandbox.advance(60_000);
      expect(await alertCodes()).toEqual(["12300"]);
    } finally {
      await receiver.close();
    }
  });
});
