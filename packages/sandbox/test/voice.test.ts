import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { api, control, isSigned, startReceiver, type Received } from "./helpers.js";

let sandbox: SandboxHandle;
let callsPath: string;
const createCall = (form: Record<string, string | string[]>) =>
  api(sandbox.url, "POST", callsPath, { user: sandbox.accountSid, password: sandbox.authToken, form });
const getCall = async (sid: string) =>
  (await api(sandbox.url, "GET", `/api/2010-04-01/Accounts/${sandbox.accountSid}/Calls/${sid}.json`, { user: sandbox.accountSid, password: sandbox.authToken })).body;

beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual", startTimeMs: Date.UTC(2025, 0, 15, 12) });
  callsPath = `/api/2010-04-01/Accounts/${sandbox.accountSid}/Calls.json`;
});
afterEach(() => sandbox.stop());

describe("outbound calls", () => {
  it("walks queued → ringing → in-progress → completed and posts the requested events", async () => {
    const receiver = await startReceiver((request) => (request.path === "/voice" ? { body: "<Response><Say>Hello there</Say></Response>" } : {}));
    try {
      const { status, body } = await createCall({
        To: "+15558675310",
        From: sandbox.phoneNumber,
        Url: `${receiver.url}/voice`,
        StatusCallback: `${receiver.url}/status`,
        StatusCallbackEvent: ["initiated", "ringing", "answered", "completed"],
      });
      expect(status).toBe(201);
      expect(body).toMatchObject({ status: "queued", direction: "outbound-api", to_formatted: "(555) 867-5310", duration: null });
      await sandbox.advance(60_000);
      const events = receiver.received.filter((request) => request.path === "/status");
      expect(events.map((request) => request.params.CallStatus)).toEqual(["initiated", "ringing", "in-progress", "completed"]);
      expect(events.map((request) => request.params.SequenceNumber)).toEqual(["0", "1", "2", "3"]);
      const completed = events.at(-1)!.params;
      expect(completed).toMatchObject({ CallbackSource: "call-progress-events", CallDuration: "1", Direction: "outbound-api" });
      for (const request of receiver.received) expect(await isSigned(request, sandbox.authToken)).toBe(true);
      const voice = receiver.received.find((request) => request.path === "/voice")!;
      expect(voice.params).toMatchObject({ CallStatus: "in-progress", CallSid: body.sid, From: sandbox.phoneNumber, To: "+15558675310", Caller: sandbox.phoneNumber });
      expect(await getCall(body.sid)).toMatchObject({ status: "completed", duration: "1" });
      expect(sandbox.transcript(body.sid).map((entry) => entry.verb)).toEqual(["Say", "End"]);
    } finally {
      await receiver.close();
    }
  });

  it("posts only the completed event when StatusCallbackEvent is absent", async () => {
    const receiver = await startReceiver();
    try {
      await createCall({ To: "+15558675310", From: sandbox.phoneNumber, Twiml: "<Response><Pause length=\"3\"/></Response>", StatusCallback: receiver.url });
      await sandbox.advance(60_000);
      expect(receiver.received.map((request) => request.params.CallStatus)).toEqual(["completed"]);
      expect(receiver.received[0]!.params.CallDuration).toBe("3");
    } finally {
      await receiver.close();
    }
  });

  it.each([
    ["+15005550486", "busy"],
    ["+15005550408", "no-answer"],
    ["+15005550500", "failed"],
  ])("ends a call to %s as %s", async (to, status) => {
    const { body } = await createCall({ To: to, From: sandbox.phoneNumber, Twiml: "<Response><Say>x</Say></Response>" });
    await sandbox.advance(600_000);
    expect(await getCall(body.sid)).toMatchObject({ status, duration: "0" });
  });

  it.each([
    [{ From: "+15555550100", Url: "https://example.com" }, 21201],
    [{ To: "+15558675310", Url: "https://example.com" }, 21213],
    [{ To: "+15558675310", From: "+15555550100" }, 21205],
    [{ To: "+15005550001", From: "+15555550100", Url: "https://example.com" }, 21217],
    [{ To: "+15005550002", From: "+15555550100", Url: "https://example.com" }, 21214],
    [{ To: "+15558675310", From: "+15005550001", Url: "https://example.com" }, 21212],
    [{ To: "+15558675310", From: "+15555559999", Url: "https://example.com" }, 21210],
  ])("rejects %j with %i", async (form, code) => {
    expect((await createCall(form)).body.code).toBe(code);
  });

  it("gathers digits sent through the control API and posts them to the action", async () => {
    const receiver = await startReceiver((request) => {
      if (request.path === "/menu") return { body: '<Response><Gather numDigits="1" action="/choice"><Say>Press 1 for sales</Say></Gather><Say>No input</Say></Response>' };
      if (request.path === "/choice") return { body: `<Response><Say>You chose ${request.params.Digits}</Say><Hangup/></Response>` };
      return {};
    });
    try {
      const { body } = await createCall({ To: "+15558675310", From: sandbox.phoneNumber, Url: `${receiver.url}/menu` });
      await sandbox.advance(3_000);
      expect((await getCall(body.sid)).status).toBe("in-progress");
      await control(sandbox.url, "POST", `/calls/${body.sid}/digits`, { Digits: "1" });
      await sandbox.advance(30_000);
      const choice = receiver.received.find((request) => request.path === "/choice")!;
      expect(choice.params.Digits).toBe("1");
      const heard = sandbox.transcript(body.sid).filter((entry) => entry.verb === "Say").map((entry) => entry.text);
      expect(heard).toEqual(["Press 1 for sales", "You chose 1"]);
      expect((await getCall(body.sid)).status).toBe("completed");
    } finally {
      await receiver.close();
    }
  });

  it("falls through a Gather that times out, and takes speech input", async () => {
    const receiver = await startReceiver((request: Received) => {
      if (request.path === "/speech") return { body: `<Response><Say>Heard ${request.params.SpeechResult}</Say></Response>` };
      return {};
    });
    try {
      const timeout = await createCall({ To: "+15558675310", From: sandbox.phoneNumber, Twiml: '<Response><Gather timeout="3"><Say>Say something</Say></Gather><Say>Goodbye</Say></Response>' });
      await sandbox.advance(60_000);
      expect(sandbox.transcript(timeout.body.sid).map((entry) => entry.text ?? entry.note)).toEqual(["Say something", "waiting for dtmf", "timeout", "Goodbye", undefined]);

      const speech = await createCall({ To: "+15558675310", From: sandbox.phoneNumber, Twiml: `<Response><Gather input="speech" action="${receiver.url}/speech"><Say>Talk</Say></Gather></Response>` });
      await sandbox.advance(3_000);
      await sandbox.sendSpeech(speech.body.sid, "sales please");
      await sandbox.advance(60_000);
      expect(sandbox.transcript(speech.body.sid).some((entry) => entry.text === "Heard sales please")).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it("simulates <Dial> and posts DialCallStatus to its action", async () => {
    const receiver = await startReceiver((request) => (request.path === "/dialed" ? { body: "<Response><Say>done</Say></Response>" } : {}));
    try {
      const { body } = await createCall({
        To: "+15558675310",
        From: sandbox.phoneNumber,
        Twiml: `<Response><Dial action="${receiver.url}/dialed"><Number>+15005550486</Number></Dial></Response>`,
      });
      await sandbox.advance(120_000);
      const dialed = receiver.received.find((request) => request.path === "/dialed")!;
      expect(dialed.params.DialCallStatus).toBe("busy");
      expect(dialed.params.DialCallSid).toMatch(/^CA/);
      const child = await getCall(dialed.params.DialCallSid!);
      expect(child).toMatchObject({ parent_call_sid: body.sid, direction: "outbound-dial", status: "busy" });
    } finally {
      await receiver.close();
    }
  });

  it("records with <Record> and lists the stub Recording", async () => {
    const { body } = await createCall({ To: "+15558675310", From: sandbox.phoneNumber, Twiml: "<Response><Record maxLength=\"3\"/></Response>" });
    await sandbox.advance(60_000);
    const recordings = await api(sandbox.url, "GET", `/api/2010-04-01/Accounts/${sandbox.accountSid}/Calls/${body.sid}/Recordings.json`, { user: sandbox.accountSid, password: sandbox.authToken });
    expect(recordings.body.recordings).toHaveLength(1);
    expect(recordings.body.recordings[0]).toMatchObject({ call_sid: body.sid, duration: "3", status: "completed" });
  });

  it("redirects a live call with an update and hangs up with Status=completed", async () => {
    const { body } = await createCall({ To: "+15558675310", From: sandbox.phoneNumber, Twiml: "<Response><Pause length=\"100\"/></Response>" });
    await sandbox.advance(5_000);
    const auth = { user: sandbox.accountSid, password: sandbox.authToken };
    const path = `/api/2010-04-01/Accounts/${sandbox.accountSid}/Calls/${body.sid}.json`;
    await api(sandbox.url, "POST", path, { ...auth, form: { Twiml: "<Response><Say>New instructions</Say><Pause length=\"50\"/></Response>" } });
    await sandbox.advance(2_000);
    expect(sandbox.transcript(body.sid).some((entry) => entry.text === "New instructions")).toBe(true);
    const ended = await api(sandbox.url, "POST", path, { ...auth, form: { Status: "completed" } });
    expect(ended.body.status).toBe("completed");
    expect((await api(sandbox.url, "DELETE", path, auth)).status).toBe(204);
  });

  it("cancels a call that has not been answered", async () => {
    const { body } = await createCall({ To: "+15558675310", From: sandbox.phoneNumber, Twiml: "<Response/>" });
    const path = `/api/2010-04-01/Accounts/${sandbox.accountSid}/Calls/${body.sid}.json`;
    const result = await api(sandbox.url, "POST", path, { user: sandbox.accountSid, password: sandbox.authToken, form: { Status: "canceled" } });
    expect(result.body.status).toBe("canceled");
  });

  it("lists calls filtered by status", async () => {
    await createCall({ To: "+15005550486", From: sandbox.phoneNumber, Twiml: "<Response/>" });
    await createCall({ To: "+15558675310", From: sandbox.phoneNumber, Twiml: "<Response/>" });
    await sandbox.advance(60_000);
    const busy = await api(sandbox.url, "GET", `${callsPath}?Status=busy`, { user: sandbox.accountSid, password: sandbox.authToken });
    expect(busy.body.calls).toHaveLength(1);
  });
});

describe("inbound calls", () => {
  it("calls VoiceUrl with CallStatus=ringing, answers and records the transcript", async () => {
    const receiver = await startReceiver(() => ({ body: "<Response><Say>Welcome</Say><Play>https://example.com/hold.mp3</Play><Hangup/></Response>" }));
    try {
      await control(sandbox.url, "POST", "/seed", { numbers: [{ phoneNumber: "+15555550120", voiceUrl: `${receiver.url}/incoming` }] });
      const call = await sandbox.inboundCall({ from: "+15558675310", to: "+15555550120" });
      expect(receiver.received[0]!.params).toMatchObject({ CallStatus: "ringing", Direction: "inbound", From: "+15558675310", To: "+15555550120" });
      expect(await isSigned(receiver.received[0]!, sandbox.authToken)).toBe(true);
      await sandbox.advance(60_000);
      const transcript = (await control(sandbox.url, "GET", `/calls/${call.sid}/transcript`)).body;
      expect(transcript.status).toBe("completed");
      expect(transcript.transcript.map((entry: { verb: string }) => entry.verb)).toEqual(["Say", "Play", "Hangup", "End"]);
    } finally {
      await receiver.close();
    }
  });

  it("leaves a call rejected with <Reject reason=busy> unanswered", async () => {
    const receiver = await startReceiver(() => ({ body: '<Response><Reject reason="busy"/></Response>' }));
    try {
      await control(sandbox.url, "POST", "/seed", { numbers: [{ phoneNumber: "+15555550121", voiceUrl: receiver.url }] });
      const call = await sandbox.inboundCall({ from: "+15558675310", to: "+15555550121" });
      expect(call).toMatchObject({ status: "busy", duration: "0", price: null });
    } finally {
      await receiver.close();
    }
  });

  it("plays the application error, alerts and never answers on unparseable TwiML without a fallback", async () => {
    const receiver = await startReceiver(() => ({ body: "<Response><Say>unclosed</Response>" }));
    try {
      await control(sandbox.url, "POST", "/seed", { numbers: [{ phoneNumber: "+15555550122", voiceUrl: receiver.url }] });
      const call = await sandbox.inboundCall({ from: "+15558675310", to: "+15555550122" });
      expect(call).toMatchObject({ status: "failed", duration: "0" });
      expect(sandbox.transcript(call.sid as string).some((entry) => entry.note === "application error")).toBe(true);
      expect((await control(sandbox.url, "GET", "/alerts")).body.alerts[0].error_code).toBe("12100");
    } finally {
      await receiver.close();
    }
  });
});
