// Twilio's Media Streams protocol over a WebSocket the sandbox opens to the app: `connected`, `start`
// (stream and call SIDs, tracks, media format, custom parameters), `media` frames of μ-law 8 kHz paced
// on the virtual clock, `dtmf`, `mark` echoes and `stop`. A bidirectional stream (`<Connect><Stream>`)
// takes `media`, `mark` and `clear` back; the media is counted and "played" on the virtual clock.
// https://www.twilio.com/docs/voice/media-streams/websocket-messages
import type WebSocket from "ws";
import type { Context } from "../../engine/context.js";
import { iso8601 } from "../../engine/util.js";
import { deliveryFailure, raiseAlert } from "../../outbound/alerts.js";
import type { CallDoc } from "../call.js";
import { words } from "../interpreter.js";
import { BYTES_PER_MS, FRAME_MS, SILENCE_FRAME, toneFrame } from "./mulaw.js";
import { addSession, hear, removeSession, type StreamSession } from "./registry.js";
import { closeSocket, dial, emitExchange, parseMessage, sendMessage, type SocketOwner } from "./socket.js";

/** Twilio's Media Streams error codes used here. */
export const STREAM_ERRORS = { handshake: 31920, invalidMessage: 31951 } as const;
/** Marks waiting for their audio to finish; more is a misbehaving app. */
const MAX_PENDING_MARKS = 1_000;
/** Frames one tick may send; a stalled event loop skips ahead instead of flooding the app. */
const MAX_FRAMES_PER_TICK = 250;
/** A consumer this far behind gets no more frames until it catches up (they are counted as dropped). */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** What `<Stream>` asked for. */
export interface MediaStreamOptions {
  url: string;
  name: string | undefined;
  /** `inbound_track` (default), `outbound_track` or `both_tracks`; `<Connect>` streams are inbound only. */
  track: string;
  statusCallback: string | null;
  statusCallbackMethod: string;
  parameters: Record<string, string>;
  /** `<Connect><Stream>`: the app may send audio back, and the call waits for the socket to close. */
  isBidirectional: boolean;
}

/** Counters shown in the transcript and the `stream.stopped` event. */
interface Counters {
  framesSent: number;
  framesDropped: number;
  mediaReceived: number;
  bytesReceived: number;
  marksEchoed: number;
  clears: number;
}

/** Sends a stream status callback (`stream-started`, `stream-stopped`, `stream-error`). */
async function statusCallback(ctx: Context, doc: CallDoc, options: MediaStreamOptions, sid: string, event: string, error?: string): Promise<void> {
  if (!options.statusCallback) return;
  const params: Record<string, string> = {
    AccountSid: doc.account_sid,
    CallSid: doc.sid,
    StreamSid: sid,
    StreamName: options.name ?? sid,
    StreamEvent: event,
    Timestamp: iso8601(ctx.clock.now()),
  };
  if (error) params.StreamError = error;
  const delivery = await ctx.send({ kind: "stream-status", ref: doc.sid, accountSid: doc.account_sid, authToken: ctx.authTokenOf(doc.account_sid), url: options.statusCallback, method: options.statusCallbackMethod, params });
  const failure = deliveryFailure(delivery);
  if (failure) raiseAlert(ctx, doc.account_sid, failure.code, `Stream status callback: ${failure.text}`, doc.sid, delivery, "warning");
}

/**
 * Opens a Media Stream for a call. Resolves with the live session, or undefined when the app's
 * WebSocket could not be reached (alert 31920, `stream-error` callback).
 * @param onClosed runs once when the app closes the socket (a `<Connect>` resumes its TwiML then)
 */
export async function openMediaStream(ctx: Context, doc: CallDoc, options: MediaStreamOptions, onClosed: () => Promise<void>): Promise<StreamSession | undefined> {
  const sid = ctx.sid("MZ");
  const owner: SocketOwner = { protocol: "media-streams", accountSid: doc.account_sid, callSid: doc.sid, sid };
  const dialled = await dial(ctx, owner, options.url);
  if (!dialled.ok) {
    hear(ctx, doc.sid, { verb: "Stream", url: options.url, note: `could not connect: ${dialled.error}` });
    raiseAlert(ctx, doc.account_sid, STREAM_ERRORS.handshake, `Stream - WebSocket - Handshake Error: ${options.url}: ${dialled.error}`, doc.sid);
    await statusCallback(ctx, doc, options, sid, "stream-error", dialled.error);
    return undefined;
  }
  const session = createSession(ctx, doc, options, owner, dialled.socket, onClosed);
  addSession(ctx, doc.sid, session);
  hear(ctx, doc.sid, { verb: "Stream", url: options.url, note: `${options.isBidirectional ? "connected" : "started"} ${sid}${options.name ? ` (${options.name})` : ""}` });
  ctx.events.emit({ type: "stream.started", at: ctx.clock.now(), protocol: "media-streams", callSid: doc.sid, sid, url: options.url, name: options.name ?? null });
  await statusCallback(ctx, doc, options, sid, "stream-started");
  return session;
}

function tracksOf(options: MediaStreamOptions): Array<"inbound" | "outbound"> {
  if (options.isBidirectional) return ["inbound"];
  if (options.track === "both_tracks") return ["inbound", "outbound"];
  return options.track === "outbound_track" ? ["outbound"] : ["inbound"];
}

/** The live session: the protocol state machine over one socket. */
function createSession(ctx: Context, doc: CallDoc, options: MediaStreamOptions, owner: SocketOwner, socket: WebSocket, onClosed: () => Promise<void>): StreamSession {
  const sid = owner.sid;
  const startedMs = ctx.clock.now();
  const tracks = tracksOf(options);
  const counters: Counters = { framesSent: 0, framesDropped: 0, mediaReceived: 0, bytesReceived: 0, marksEchoed: 0, clears: 0 };
  let sequence = 0;
  let chunk = 0;
  let framesDue = 0;
  let callerSpeaksUntilMs = 0;
  let playoutUntilMs = startedMs;
  let pendingMarks: Array<{ name: string; dueMs: number }> = [];
  let hasWarned = false;
  let isOver = false;
  const send = (message: Record<string, unknown>, isQuiet = false) => sendMessage(ctx, owner, socket, { ...message, sequenceNumber: String(++sequence), streamSid: sid }, isQuiet);

  // `connected` describes the protocol and carries no sequence number or stream SID
  sendMessage(ctx, owner, socket, { event: "connected", protocol: "Call", version: "1.0.0" });
  send({
    event: "start",
    start: {
      accountSid: doc.account_sid,
      streamSid: sid,
      callSid: doc.sid,
      tracks,
      customParameters: options.parameters,
      mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
    },
  });

  const warn = (why: string) => {
    if (hasWarned) return;
    // Twilio sends this warning once per stream
    hasWarned = true;
    raiseAlert(ctx, doc.account_sid, STREAM_ERRORS.invalidMessage, `Stream - Protocol - Invalid Message: ${why}`, doc.sid, undefined, "warning");
  };
  const echoMarks = (nowMs: number) => {
    const due = pendingMarks.filter((mark) => mark.dueMs <= nowMs);
    if (!due.length) return;
    pendingMarks = pendingMarks.filter((mark) => mark.dueMs > nowMs);
    for (const mark of due) {
      send({ event: "mark", mark: { name: mark.name } });
      counters.marksEchoed++;
    }
  };

  socket.on("message", (data, isBinary) => {
    const parsed = parseMessage(data, isBinary, "event");
    if (!parsed.ok) return warn(parsed.error);
    const message = parsed.message;
    const event = message.event as string;
    if (event !== "media") emitExchange(ctx, owner, "from-app", message);
    if (!options.isBidirectional) return warn(`a unidirectional stream (<Start><Stream>) takes no "${event}" messages`);
    if (message.streamSid !== sid) return warn(`streamSid ${JSON.stringify(message.streamSid)} is not this stream (${sid})`);
    const nowMs = ctx.clock.now();
    if (event === "media") {
      const payload = (message.media as { payload?: unknown } | undefined)?.payload;
      if (typeof payload !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(payload)) return warn("media.payload must be base64 audio/x-mulaw");
      const bytes = Buffer.byteLength(payload, "base64");
      counters.mediaReceived++;
      counters.bytesReceived += bytes;
      // the app's audio queues behind what is still playing
      playoutUntilMs = Math.max(playoutUntilMs, nowMs) + bytes / BYTES_PER_MS;
      return;
    }
    if (event === "mark") {
      const name = (message.mark as { name?: unknown } | undefined)?.name;
      if (typeof name !== "string") return warn("mark.name must be a string");
      if (pendingMarks.length >= MAX_PENDING_MARKS) return warn(`more than ${MAX_PENDING_MARKS} marks are waiting`);
      pendingMarks.push({ name, dueMs: Math.max(playoutUntilMs, nowMs) });
      return echoMarks(nowMs);
    }
    if (event === "clear") {
      counters.clears++;
      // the buffered audio is dropped: its marks come back at once
      playoutUntilMs = nowMs;
      for (const mark of pendingMarks) mark.dueMs = nowMs;
      return echoMarks(nowMs);
    }
    warn(`"${event}" is not a message a stream accepts (media, mark, clear)`);
  });

  const finish = async (how: "closed" | "stopped" | "call-ended") => {
    if (isOver) return;
    isOver = true;
    removeSession(ctx, doc.sid, session);
    const summary = `${counters.framesSent} frames sent, ${counters.mediaReceived} media messages received (${counters.bytesReceived} bytes), ${counters.marksEchoed} marks echoed, ${counters.clears} clears`;
    hear(ctx, doc.sid, { verb: "Stream", note: `${how === "closed" ? "closed by the app" : "stopped"} ${sid}: ${summary}` });
    ctx.events.emit({ type: "stream.stopped", at: ctx.clock.now(), protocol: "media-streams", callSid: doc.sid, sid, how, ...counters });
    await statusCallback(ctx, doc, options, sid, "stream-stopped");
  };
  socket.on("close", () => {
    if (isOver) return;
    void finish("closed").then(onClosed, (error: unknown) => process.emitWarning(`[@twilio-kit/sandbox] stream ${sid}: ${String(error)}`));
  });
  socket.on("error", () => undefined);

  const session: StreamSession = {
    kind: "stream",
    sid,
    name: options.name ?? sid,
    isBlocking: options.isBidirectional,
    tick(nowMs) {
      const target = Math.floor((nowMs - startedMs) / FRAME_MS);
      if (target - framesDue > MAX_FRAMES_PER_TICK) {
        counters.framesDropped += (target - framesDue - MAX_FRAMES_PER_TICK) * tracks.length;
        framesDue = target - MAX_FRAMES_PER_TICK;
      }
      for (; framesDue < target; framesDue++) {
        const frameMs = startedMs + framesDue * FRAME_MS;
        chunk++;
        for (const track of tracks) {
          if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
            counters.framesDropped++;
            continue;
          }
          // the caller's voice is a tone on the inbound track; audio played to the caller on the outbound one
          const isSound = track === "inbound" ? frameMs < callerSpeaksUntilMs : frameMs < playoutUntilMs;
          send({ event: "media", media: { track, chunk: String(chunk), timestamp: String(framesDue * FRAME_MS), payload: isSound ? toneFrame(chunk) : SILENCE_FRAME } }, true);
          counters.framesSent++;
        }
      }
      echoMarks(nowMs);
    },
    async speech(text) {
      const nowMs = ctx.clock.now();
      callerSpeaksUntilMs = Math.max(callerSpeaksUntilMs, nowMs) + Math.max(1, words(text) / 2.5) * 1000;
      return false;
    },
    async digits(keys) {
      // Twilio sends dtmf messages on bidirectional streams only
      if (!options.isBidirectional) return false;
      for (const digit of keys.replace(/[wW]/g, "")) send({ event: "dtmf", dtmf: { track: "inbound_track", digit } });
      return false;
    },
    drop() {
      isOver = true;
      removeSession(ctx, doc.sid, session);
      socket.terminate();
    },
    async stop(reason) {
      if (isOver) return;
      send({ event: "stop", stop: { accountSid: doc.account_sid, callSid: doc.sid } });
      closeSocket(socket);
      await finish(reason);
    },
  };
  return session;
}
