// Media Streams against a real WebSocket consumer written here with `ws`: what the sandbox sends
// (connected, start, paced media, dtmf, mark echoes, stop), what it takes back, and the callbacks.
import type { AddressInfo } from "node:net";
import { verifyTwilioSignature } from "@twilio-kit/webhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import fc from "fast-check";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { linearToMulaw, SILENCE_FRAME, toneFrame } from "../src/voice/streams/mulaw.js";
import { startReceiver, until } from "./helpers.js";

type Message = Record<string, any>;

/** A Media Streams consumer: records every message of every connection, keeps the sockets. */
async function startConsumer() {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const messages: Message[] = [];
  const sockets: WebSocket[] = [];
  const handshakes: Array<{ url: string; signature: string }> = [];
  server.on("connection", (socket, request) => {
    sockets.push(socket);
    handshakes.push({ url: `ws://${request.headers.host}${request.url}`, signature: String(request.headers["x-twilio-signature"] ?? "") });
    socket.on("message", (data) => messages.push(JSON.parse(data.toString())));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/media`,
    messages,
    sockets,
    handshakes,
    of: (event: string) => messages.filter((message) => message.event === event),
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.terminate();
      server.close(() => resolve());
    }),
  };
}

let sandbox: SandboxHandle;
let consumer: Awaited<ReturnType<typeof startConsumer>>;
let app: Awaited<ReturnType<typeof startReceiver>>;
let twiml = "";

/** Points the number at a receiver answering `twiml`, then rings it. */
async function call(document: string): Promise<string> {
  twiml = document;
  const twilio = await sandbox.client();
  const page = await twilio.incomingPhoneNumbers.list({ PhoneNumber: sandbox.phoneNumber });
  await twilio.incomingPhoneNumbers.update({ Sid: String(page.incoming_phone_numbers?.[0]?.sid), VoiceUrl: `${app.url}/voice` });
  const created = await sandbox.inboundCall({ from: "+15558675310", to: sandbox.phoneNumber });
  return String(created.sid);
}

/** Error codes of the alerts raised so far (Monitor's store). */
function alertCodes(): string[] {
  return sandbox.sandbox.store.list("alert", { order: "asc", limit: 100 }).map((row) => String(row.doc.error_code));
}

/** Waits until the sandbox handled a message the app sent (it shows on the event stream). */
function handled(event: string) {
  return sandbox.waitForEvent((e) => e.type === "stream.message" && e.direction === "from-app" && (e.message as Message).event === event, { timeoutMs: 5_000 });
}

beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual", startTimeMs: Date.UTC(2025, 0, 15, 12) });
  consumer = await startConsumer();
  app = await startReceiver((request) => (request.path === "/voice" ? { body: twiml } : {}));
});
afterEach(async () => {
  await sandbox.stop();
  await consumer.close();
  await app.close();
});

const connectStream = (extra = "") =>
  `<Response><Connect><Stream url="__WS__"><Parameter name="FirstName" value="Jane"/><Parameter name="Plan" value="gold"/></Stream></Connect>${extra}</Response>`;

describe("<Connect><Stream>: a bidirectional Media Stream", () => {
  it("sends connected and start (SIDs, track, format, parameters), then 20 ms media frames paced on the virtual clock, then stop at hang-up", async () => {
    const sid = await call(connectStream().replace("__WS__", consumer.url));
    await until(() => consumer.of("start").length === 1, "start");
    const [connected, start] = consumer.messages;
    expect(connected).toEqual({ event: "connected", protocol: "Call", version: "1.0.0" });
    expect(start).toEqual({
      event: "start",
      sequenceNumber: "1",
      streamSid: expect.stringMatching(/^MZ[0-9a-f]{32}$/),
      start: {
        accountSid: sandbox.accountSid,
        streamSid: start!.streamSid,
        callSid: sid,
        tracks: ["inbound"],
        customParameters: { FirstName: "Jane", Plan: "gold" },
        mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
      },
    });
    // no frame before the clock moves; one second of virtual time is fifty frames
    expect(consumer.of("media")).toHaveLength(0);
    await sandbox.advance(1_000);
    await until(() => consumer.of("media").length === 50, "50 media frames");
    const media = consumer.of("media");
    expect(media.map((m) => m.media.chunk)).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
    expect(media.map((m) => m.media.timestamp)).toEqual(Array.from({ length: 50 }, (_, i) => String(i * 20)));
    expect(media.map((m) => Number(m.sequenceNumber))).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    // silence: 160 bytes of μ-law 0xFF per frame
    const audio = Buffer.from(media[0]!.media.payload, "base64");
    expect(audio).toHaveLength(160);
    expect(audio.every((byte) => byte === 0xff)).toBe(true);
    expect(media[0]!.media.track).toBe("inbound");

    await sandbox.hangUp(sid);
    await until(() => consumer.of("stop").length === 1, "stop");
    expect(consumer.of("stop")[0]).toEqual({ event: "stop", sequenceNumber: "52", streamSid: start!.streamSid, stop: { accountSid: sandbox.accountSid, callSid: sid } });
  });

  it("signs the WebSocket handshake with X-Twilio-Signature over the URL", async () => {
    await call(connectStream().replace("__WS__", consumer.url));
    await until(() => consumer.handshakes.length === 1, "the handshake");
    const { url, signature } = consumer.handshakes[0]!;
    expect((await verifyTwilioSignature({ authToken: sandbox.authToken, signature, url, params: {} })).ok).toBe(true);
    expect((await verifyTwilioSignature({ authToken: "0".repeat(32), signature, url, params: {} })).ok).toBe(false);
  });

  it("echoes a mark once the app's audio before it has played, and at once after clear", async () => {
    await call(connectStream().replace("__WS__", consumer.url));
    await until(() => consumer.of("start").length === 1, "start");
    const streamSid = consumer.of("start")[0]!.streamSid;
    const socket = consumer.sockets[0]!;
    // 1600 bytes of μ-law is 200 ms of audio
    socket.send(JSON.stringify({ event: "media", streamSid, media: { payload: Buffer.alloc(1600, 0x7f).toString("base64") } }));
    socket.send(JSON.stringify({ event: "mark", streamSid, mark: { name: "greeting-done" } }));
    await handled("mark");
    await sandbox.advance(100);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(consumer.of("mark")).toHaveLength(0);
    await sandbox.advance(200);
    await until(() => consumer.of("mark").length === 1, "the first mark");
    expect(consumer.of("mark")[0]).toEqual({ event: "mark", sequenceNumber: expect.any(String), streamSid, mark: { name: "greeting-done" } });

    // ten seconds of audio, a mark behind it, then clear: the mark comes back without waiting
    socket.send(JSON.stringify({ event: "media", streamSid, media: { payload: Buffer.alloc(80_000, 0x7f).toString("base64") } }));
    socket.send(JSON.stringify({ event: "mark", streamSid, mark: { name: "long-answer" } }));
    socket.send(JSON.stringify({ event: "clear", streamSid }));
    await until(() => consumer.of("mark").length === 2, "the cleared mark");
    expect(consumer.of("mark")[1]!.mark).toEqual({ name: "long-answer" });
  });

  it("sends dtmf for the caller's keys and a tone while the caller speaks", async () => {
    const sid = await call(connectStream().replace("__WS__", consumer.url));
    await until(() => consumer.of("start").length === 1, "start");
    await sandbox.sendDigits(sid, "4#");
    await until(() => consumer.of("dtmf").length === 2, "two dtmf messages");
    expect(consumer.of("dtmf").map((m) => m.dtmf)).toEqual([
      { track: "inbound_track", digit: "4" },
      { track: "inbound_track", digit: "#" },
    ]);
    await sandbox.sendSpeech(sid, "hello there");
    await sandbox.advance(1_000);
    await until(() => consumer.of("media").length === 50, "50 frames");
    const isSilent = (m: Message) => Buffer.from(m.media.payload, "base64").every((byte) => byte === 0xff);
    // "hello there" is two words: a second of speech, then silence
    expect(consumer.of("media").filter((m) => !isSilent(m))).toHaveLength(50);
    await sandbox.advance(1_000);
    await until(() => consumer.of("media").length === 100, "100 frames");
    expect(consumer.of("media").slice(50).every(isSilent)).toBe(true);
  });

  it("goes on with the TwiML after <Connect> once the app closes the socket, counting the media it sent", async () => {
    const sid = await call(connectStream("<Say>Back in TwiML.</Say>").replace("__WS__", consumer.url));
    await until(() => consumer.of("start").length === 1, "start");
    const streamSid = consumer.of("start")[0]!.streamSid;
    consumer.sockets[0]!.send(JSON.stringify({ event: "media", streamSid, media: { payload: Buffer.alloc(320, 0x7f).toString("base64") } }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = sandbox.waitForEvent((e) => e.type === "stream.stopped" && e.sid === streamSid);
    consumer.sockets[0]!.close();
    const stopped = await closed;
    expect(stopped).toMatchObject({ how: "closed", mediaReceived: 1, bytesReceived: 320 });
    await until(() => sandbox.transcript(sid).some((entry) => entry.verb === "Say"), "the <Say> after <Connect>");
    await sandbox.advance(10_000);
    expect(sandbox.transcript(sid).map((entry) => entry.verb)).toEqual(["Stream", "Stream", "Say", "End"]);
    expect(sandbox.transcript(sid)[1]!.note).toContain("1 media messages received (320 bytes)");
  });

  it("stops a <Connect> stream (stop message, stream closed) when the call is redirected to new TwiML", async () => {
    const sid = await call(connectStream().replace("__WS__", consumer.url));
    await until(() => consumer.of("start").length === 1, "start");
    const twilio = await sandbox.client();
    await twilio.calls.update({ Sid: sid, Twiml: "<Response><Say>Moved on.</Say></Response>" });
    await sandbox.advance(200);
    await until(() => consumer.of("stop").length === 1, "stop after the redirect");
    expect(sandbox.transcript(sid).map((entry) => entry.verb)).toEqual(["Stream", "Say", "Stream"]);
  });

  it("warns once (31951) about messages that are not media, mark or clear, and keeps streaming", async () => {
    await call(connectStream().replace("__WS__", consumer.url));
    await until(() => consumer.of("start").length === 1, "start");
    const streamSid = consumer.of("start")[0]!.streamSid;
    consumer.sockets[0]!.send("not json");
    consumer.sockets[0]!.send(JSON.stringify({ event: "shout", streamSid }));
    consumer.sockets[0]!.send(JSON.stringify({ event: "mark", streamSid, mark: { name: "still-works" } }));
    await until(() => consumer.of("mark").length === 1, "the mark after bad messages");
    expect(alertCodes().filter((code) => code === "31951")).toHaveLength(1);
  });
});

describe("<Start><Stream>: a unidirectional stream beside the TwiML", () => {
  it("streams both tracks while the TwiML goes on, sends stream status callbacks, and stops by name", async () => {
    const sid = await call(
      `<Response><Start><Stream name="recorder" track="both_tracks" url="${consumer.url}" statusCallback="${app.url}/stream-status"/></Start>` +
        `<Say>One two three four five.</Say><Stop><Stream name="recorder"/></Stop><Pause length="2"/></Response>`,
    );
    await until(() => consumer.of("start").length === 1, "start");
    expect(consumer.of("start")[0]!.start.tracks).toEqual(["inbound", "outbound"]);
    // the <Say> runs while the stream is open
    expect(sandbox.transcript(sid).map((entry) => entry.verb)).toEqual(["Stream", "Say"]);
    await sandbox.advance(100);
    await until(() => consumer.of("media").length === 10, "five frames per track");
    expect(consumer.of("media").map((m) => m.media.track).slice(0, 2)).toEqual(["inbound", "outbound"]);
    await sandbox.advance(5_000);
    await until(() => consumer.of("stop").length === 1, "stop after <Stop><Stream>");
    const callbacks = app.received.filter((request) => request.path === "/stream-status");
    expect(callbacks.map((request) => request.params.StreamEvent)).toEqual(["stream-started", "stream-stopped"]);
    expect(callbacks[0]!.params).toMatchObject({ AccountSid: sandbox.accountSid, CallSid: sid, StreamSid: consumer.of("start")[0]!.streamSid, StreamName: "recorder" });
    expect(callbacks[0]!.params.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("reports a stream-error callback and alert 31920 when the app's WebSocket cannot be reached, and the call goes on", async () => {
    const dead = consumer.url.replace(/:\d+\//, ":1/");
    const sid = await call(`<Response><Start><Stream url="${dead}" statusCallback="${app.url}/stream-status"/></Start><Say>Still here.</Say></Response>`);
    expect(sandbox.transcript(sid).map((entry) => entry.verb)).toEqual(["Stream", "Say"]);
    const callback = app.received.find((request) => request.path === "/stream-status");
    expect(callback?.params.StreamEvent).toBe("stream-error");
    expect(callback?.params.StreamError).toBeTruthy();
    expect(alertCodes()).toContain("31920");
  });

  it("opens at most four <Start> streams on a call and skips the fifth with a 12200 warning", async () => {
    const stream = `<Stream url="${consumer.url}"/>`;
    const sid = await call(`<Response><Start>${stream.repeat(5)}</Start><Pause length="1"/></Response>`);
    await until(() => consumer.of("start").length === 4, "four streams");
    expect(sandbox.transcript(sid).filter((entry) => entry.note?.startsWith("skipped"))).toHaveLength(1);
    expect(alertCodes()).toContain("12200");
    await sandbox.advance(2_000);
    await until(() => consumer.of("stop").length === 4, "four stops when the call ends");
  });

  it("skips a <Stream> whose url is not ws:// or wss:// with alert 11100", async () => {
    const sid = await call(`<Response><Start><Stream url="http://example.com/not-a-socket"/></Start><Say>Hi.</Say></Response>`);
    expect(sandbox.transcript(sid)[0]).toMatchObject({ verb: "Stream", note: expect.stringContaining("skipped") });
    expect(alertCodes()).toContain("11100");
  });
});

describe("the μ-law audio of media frames", () => {
  it("encodes G.711 μ-law: silence 0xFF, full scale 0x80 and 0x00, opposite samples differing only in the sign bit", () => {
    expect(linearToMulaw(0)).toBe(0xff);
    expect(linearToMulaw(32767)).toBe(0x80);
    expect(linearToMulaw(-32768)).toBe(0x00);
    fc.assert(fc.property(fc.integer({ min: 1, max: 32767 }), (sample) => (linearToMulaw(sample) ^ linearToMulaw(-sample)) === 0x80));
  });

  it("makes 160-byte frames: silence is all 0xFF, the tone is not", () => {
    expect(Buffer.from(SILENCE_FRAME, "base64")).toEqual(Buffer.alloc(160, 0xff));
    const tone = Buffer.from(toneFrame(1), "base64");
    expect(tone).toHaveLength(160);
    expect(new Set(tone).size).toBeGreaterThan(10);
  });
});
