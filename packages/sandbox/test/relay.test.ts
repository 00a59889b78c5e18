// ConversationRelay against a small voice agent written here with `ws`: setup, prompts from the
// caller's speech, dtmf, interrupts, the agent's text/play/sendDigits/language/end, the transcript,
// and the <Connect action> request with HandoffData.
import type { AddressInfo } from "node:net";
import { verifyTwilioSignature } from "@twilio-kit/webhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { startReceiver, until } from "./helpers.js";

type Message = Record<string, any>;
type Reply = (message: Message, socket: WebSocket) => void;

const GREETING = "Hello! This is Owl Hardware's assistant. How can I help you today?";
const ANSWER = "Of course. I am passing you to a person who can help.";
const HANDOFF = JSON.stringify({ reasonCode: "live-agent-handoff", reason: "caller asked for help" });

/** The test's voice agent: greets on setup (streamed tokens), answers "I need help", then hands off. */
const helpfulAgent: Reply = (message, socket) => {
  const send = (value: Message) => socket.send(JSON.stringify(value));
  if (message.type === "setup") {
    // streamed like an LLM would: three tokens, the last one marked
    send({ type: "text", token: "Hello! This is Owl Hardware's assistant.", last: false });
    send({ type: "text", token: " How can I help", last: false });
    send({ type: "text", token: " you today?", last: true });
  } else if (message.type === "prompt" && /help/i.test(message.voicePrompt)) {
    send({ type: "text", token: ANSWER, last: true });
    send({ type: "end", handoffData: HANDOFF });
  } else if (message.type === "prompt") {
    send({ type: "text", token: "Sorry, could you say that again?", last: true });
  }
};

/** A ConversationRelay server: records what it receives and answers with `reply`. */
async function startAgent(reply: Reply) {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const received: Message[] = [];
  const sockets: WebSocket[] = [];
  const handshakes: Array<{ url: string; signature: string }> = [];
  server.on("connection", (socket, request) => {
    sockets.push(socket);
    handshakes.push({ url: `ws://${request.headers.host}${request.url}`, signature: String(request.headers["x-twilio-signature"] ?? "") });
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString()) as Message;
      received.push(message);
      reply(message, socket);
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/relay`,
    received,
    sockets,
    handshakes,
    of: (type: string) => received.filter((message) => message.type === type),
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.terminate();
      server.close(() => resolve());
    }),
  };
}

let sandbox: SandboxHandle;
let app: Awaited<ReturnType<typeof startReceiver>>;
let agents: Array<Awaited<ReturnType<typeof startAgent>>> = [];
let twiml = "";

/** The app's TwiML: <Connect action="/relay-done"><ConversationRelay …>; /relay-done answers per HandoffData. */
function relayTwiml(url: string, attributes = "") {
  return `<Response><Connect action="/relay-done"><ConversationRelay url="${url}" ${attributes}><Parameter name="customerId" value="42"/></ConversationRelay></Connect></Response>`;
}

async function call(document: string): Promise<string> {
  twiml = document;
  const twilio = await sandbox.client();
  const page = await twilio.incomingPhoneNumbers.list({ PhoneNumber: sandbox.phoneNumber });
  await twilio.incomingPhoneNumbers.update({ Sid: String(page.incoming_phone_numbers?.[0]?.sid), VoiceUrl: `${app.url}/voice` });
  return String((await sandbox.inboundCall({ from: "+15558675310", to: sandbox.phoneNumber })).sid);
}

async function agent(reply: Reply) {
  const started = await startAgent(reply);
  agents.push(started);
  return started;
}

function alertCodes(): string[] {
  return sandbox.sandbox.store.list("alert", { order: "asc", limit: 100 }).map((row) => String(row.doc.error_code));
}

beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual", startTimeMs: Date.UTC(2025, 0, 15, 12) });
  app = await startReceiver((request) => {
    if (request.path === "/voice") return { body: twiml };
    if (request.path === "/relay-done") {
      return { body: request.params.HandoffData ? "<Response><Say>Transferring you now.</Say><Hangup/></Response>" : "<Response><Say>Goodbye.</Say></Response>" };
    }
    return {};
  });
});
afterEach(async () => {
  await sandbox.stop();
  for (const started of agents) await started.close();
  agents = [];
  await app.close();
});

describe("<Connect><ConversationRelay>: a voice agent over a WebSocket", () => {
  it("greets the caller, hears 'I need help', answers, and hands off: the action URL gets HandoffData and its TwiML runs", async () => {
    const voiceAgent = await agent(helpfulAgent);
    const exchange: Message[] = [];
    const off = sandbox.onEvent((event) => {
      if (event.type === "stream.message") exchange.push(event);
    });
    const sid = await call(relayTwiml(voiceAgent.url));
    // inboundCall resolves once the agent answered setup
    const [setup] = voiceAgent.of("setup");
    expect(setup).toEqual({
      type: "setup",
      sessionId: expect.stringMatching(/^VX[0-9a-f]{32}$/),
      accountSid: sandbox.accountSid,
      parentCallSid: "",
      callSid: sid,
      from: "+15558675310",
      to: sandbox.phoneNumber,
      forwardedFrom: "",
      callType: "PSTN",
      callerName: "",
      direction: "inbound",
      callStatus: "IN-PROGRESS",
      customParameters: { customerId: "42" },
    });
    expect(sandbox.transcript(sid).filter((entry) => entry.text).map((entry) => entry.text)).toEqual([GREETING]);

    await sandbox.advance(10_000); // the greeting is over
    await sandbox.sendSpeech(sid, "I need help");
    expect(voiceAgent.of("prompt")).toEqual([{ type: "prompt", voicePrompt: "I need help", lang: "en-US", last: true }]);
    const done = await sandbox.waitForWebhook({ url: `${app.url}/relay-done` });
    expect(done.params).toMatchObject({ CallSid: sid, SessionId: setup!.sessionId, SessionStatus: "ended", HandoffData: HANDOFF, SessionDuration: "10" });
    await until(() => sandbox.transcript(sid).some((entry) => entry.verb === "Say"), "the action's <Say>");
    await sandbox.advance(10_000);
    await sandbox.waitForCallStatus(sid, "completed");

    const lines = sandbox.transcript(sid).map((entry) => [entry.verb, entry.text ?? entry.speech ?? entry.note]);
    expect(lines).toEqual([
      ["ConversationRelay", `connected ${setup!.sessionId}`],
      ["ConversationRelay", GREETING],
      ["ConversationRelay", "I need help"],
      ["ConversationRelay", ANSWER],
      ["ConversationRelay", `session ${setup!.sessionId} ended: the app handed off`],
      ["Say", "Transferring you now."],
      ["Hangup", undefined],
      ["End", undefined],
    ]);
    // the socket exchange is on the event stream too, both ways, in order
    off();
    expect(exchange.map((e) => `${e.direction} ${e.message.type}`)).toEqual(["to-app setup", "from-app text", "from-app text", "from-app text", "to-app prompt", "from-app text", "from-app end"]);
    expect(exchange.every((e) => e.protocol === "conversation-relay" && e.callSid === sid)).toBe(true);
  });

  it("signs the WebSocket handshake with X-Twilio-Signature over the URL", async () => {
    const voiceAgent = await agent(helpfulAgent);
    await call(relayTwiml(voiceAgent.url));
    const { url, signature } = voiceAgent.handshakes[0]!;
    expect((await verifyTwilioSignature({ authToken: sandbox.authToken, signature, url, params: {} })).ok).toBe(true);
  });

  it("speaks the welcome greeting itself and sends interrupt (what was heard, for how long) when the caller talks over the agent", async () => {
    const voiceAgent = await agent(() => undefined);
    const sid = await call(relayTwiml(voiceAgent.url, `welcomeGreeting="Welcome to Owl Hardware, your friendly local hardware store." language="en-GB"`));
    expect(sandbox.transcript(sid)[1]).toMatchObject({ verb: "ConversationRelay", text: "Welcome to Owl Hardware, your friendly local hardware store.", note: "welcome greeting" });
    await sandbox.advance(1_200); // 2.5 words a second: three words heard
    await sandbox.sendSpeech(sid, "opening hours");
    await until(() => voiceAgent.of("prompt").length === 1, "the prompt");
    expect(voiceAgent.of("interrupt")).toEqual([{ type: "interrupt", utteranceUntilInterrupt: "Welcome to Owl", durationUntilInterruptMs: 1_200 }]);
    expect(voiceAgent.received.map((m) => m.type)).toEqual(["setup", "interrupt", "prompt"]);
    expect(voiceAgent.of("prompt")[0]).toMatchObject({ voicePrompt: "opening hours", lang: "en-GB" });
    expect(sandbox.transcript(sid).some((entry) => entry.note === "interrupted" && entry.text === "Welcome to Owl")).toBe(true);
  });

  it("does not report speech over a greeting that is not interruptible", async () => {
    const voiceAgent = await agent(() => undefined);
    const sid = await call(relayTwiml(voiceAgent.url, `welcomeGreeting="Please listen carefully to the following options." welcomeGreetingInterruptible="none"`));
    await sandbox.sendSpeech(sid, "agent please");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(voiceAgent.received.map((m) => m.type)).toEqual(["setup"]);
    expect(sandbox.transcript(sid).at(-1)).toMatchObject({ speech: "agent please", note: expect.stringContaining("not reported") });
  });

  it("sends one dtmf message per key with dtmfDetection, and none without it", async () => {
    const listening = await agent(() => undefined);
    const sid = await call(relayTwiml(listening.url, `dtmfDetection="true"`));
    await sandbox.sendDigits(sid, "1#");
    await until(() => listening.of("dtmf").length === 2, "two dtmf messages");
    expect(listening.of("dtmf")).toEqual([{ type: "dtmf", digit: "1" }, { type: "dtmf", digit: "#" }]);

    const deaf = await agent(() => undefined);
    const other = await call(relayTwiml(deaf.url));
    await sandbox.sendDigits(other, "5");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(deaf.of("dtmf")).toEqual([]);
    expect(sandbox.transcript(other).at(-1)).toMatchObject({ digits: "5", note: "not sent: dtmfDetection is off" });
  });

  it("plays, sends digits and switches language on the agent's messages; answers bad ones with error and alert 64107", async () => {
    const voiceAgent = await agent((message, socket) => {
      if (message.type !== "setup") return;
      socket.send(JSON.stringify({ type: "play", source: "https://example.com/hold.mp3", loop: 2 }));
      socket.send(JSON.stringify({ type: "sendDigits", digits: "9w1" }));
      socket.send(JSON.stringify({ type: "language", ttsLanguage: "sv-SE", transcriptionLanguage: "sv-SE" }));
      socket.send(JSON.stringify({ type: "shout", words: "hi" }));
      socket.send("{not json");
    });
    const sid = await call(relayTwiml(voiceAgent.url));
    await until(() => voiceAgent.of("error").length === 2, "two error messages");
    expect(voiceAgent.of("error")[0]!.description).toContain('unknown type "shout"');
    expect(voiceAgent.of("error")[1]!.description).toContain("not valid JSON");
    expect(alertCodes().filter((code) => code === "64107")).toHaveLength(2);
    const transcript = sandbox.transcript(sid);
    expect(transcript.find((entry) => entry.verb === "Play" && entry.url)).toMatchObject({ url: "https://example.com/hold.mp3" });
    expect(transcript.find((entry) => entry.verb === "Play" && entry.digits)).toMatchObject({ digits: "9w1" });
    expect(transcript.find((entry) => entry.note?.startsWith("language"))?.note).toBe("language: speaking sv-SE, transcribing sv-SE");
    // the session is still up: prompts now carry the new transcription language
    await sandbox.advance(15_000);
    await sandbox.sendSpeech(sid, "hej");
    expect(voiceAgent.of("prompt")[0]).toMatchObject({ voicePrompt: "hej", lang: "sv-SE" });
  });

  it("writes an utterance that never gets `last` to the transcript once it passes 10,000 characters", async () => {
    const chatty = await agent((message, socket) => {
      if (message.type !== "setup") return;
      for (let i = 0; i < 30; i++) socket.send(JSON.stringify({ type: "text", token: `${"blah ".repeat(100)}`, last: false }));
    });
    const sid = await call(relayTwiml(chatty.url));
    await until(() => sandbox.transcript(sid).some((entry) => (entry.text?.length ?? 0) > 10_000), "the long utterance");
    const long = sandbox.transcript(sid).filter((entry) => (entry.text?.length ?? 0) > 10_000);
    expect(long).toHaveLength(1);
    expect(long[0]!.text!.length).toBeLessThan(11_000);
  });

  it("ends the session when the caller hangs up: the socket closes and the action URL hears SessionStatus=completed", async () => {
    const voiceAgent = await agent(helpfulAgent);
    const sid = await call(relayTwiml(voiceAgent.url));
    let closed = false;
    voiceAgent.sockets[0]!.on("close", () => (closed = true));
    await sandbox.advance(3_000);
    await sandbox.hangUp(sid);
    const done = await sandbox.waitForWebhook({ url: `${app.url}/relay-done` });
    expect(done.params).toMatchObject({ CallStatus: "completed", SessionStatus: "completed", SessionDuration: "3" });
    expect(done.params.HandoffData).toBeUndefined();
    await until(() => closed, "the socket to close");
  });

  it("goes on with the next verb when there is no action, and reports a socket that cannot be reached as failed", async () => {
    const voiceAgent = await agent((message, socket) => {
      if (message.type === "setup") socket.send(JSON.stringify({ type: "end" }));
    });
    const sid = await call(`<Response><Connect><ConversationRelay url="${voiceAgent.url}"/></Connect><Say>After the agent.</Say></Response>`);
    await until(() => sandbox.transcript(sid).some((entry) => entry.verb === "Say"), "the <Say> after <Connect>");

    const dead = voiceAgent.url.replace(/:\d+\//, ":1/");
    const other = await call(relayTwiml(dead));
    const done = await sandbox.waitForWebhook({ url: `${app.url}/relay-done`, sid: other });
    expect(done.params).toMatchObject({ SessionStatus: "failed", SessionDuration: "0" });
    expect(done.params.ErrorMessage).toBeTruthy();
  });
});
