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

/** The mutable state of one stream, shared by its message handler, its tick and its session. */
interface StreamState {
  ctx: Context;
  doc: CallDoc;
  options: MediaStreamOptions;
  owner: SocketOwner;
  socket: WebSocket;
  startedMs: number;
  tracks: Array<"inbound" | "outbound">;
  counters: Counters;
  sequence: number;
  chunk: number;
  framesDue: number;
  callerSpeaksUntilMs: number;
  playoutUntilMs: number;
  pendingMarks: Array<{ name: string; dueMs: number }>;
  hasWarned: boolean;
  isOver: boolean;
}

/** Sends a message with the next `sequenceNumber` and the `streamSid`. */
function send(state: StreamState, message: Record<string, unknown>, isQuiet = false): boolean {
  return sendMessage(state.ctx, state.owner, state.socket, { ...message, sequenceNumber: String(++state.sequence), streamSid: state.owner.sid }, isQuiet);
}

/** Raises 31951, once per stream as Twilio does; the message is dropped, the stream goes on. */
function warn(state: StreamState, why: string): void {
  if (state.hasWarned) return;
  state.hasWarned = true;
  raiseAlert(state.ctx, state.doc.account_sid, STREAM_ERRORS.invalidMessage, `Stream - Protocol - Invalid Message: ${why}`, state.doc.sid, undefined, "warning");
}

/** Echoes the marks whose audio has played by `nowMs`. */
function echoMarks(state: StreamState, nowMs: number): void {
  const due = state.pendingMarks.filter((mark) => mark.dueMs <= nowMs);
  if (!due.length) return;
  state.pendingMarks = state.pendingMarks.filter((mark) => mark.dueMs > nowMs);
  for (const mark of due) {
    send(state, { event: "mark", mark: { name: mark.name } });
    state.counters.marksEchoed++;
  }
}

/** One message from the app: `media`, `mark` or `clear` on a bidirectional stream; anything else warns. */
function handleAppMessage(state: StreamState, data: WebSocket.RawData, isBinary: boolean): void {
  const parsed = parseMessage(data, isBinary, "event");
  if (!parsed.ok) return warn(state, parsed.error);
  const message = parsed.message;
  const event = message.event as string;
  if (event !== "media") emitExchange(state.ctx, state.owner, "from-app", message);
  if (!state.options.isBidirectional) return warn(state, `a unidirectional stream (<Start><Stream>) takes no "${event}" messages`);
  if (message.streamSid !== state.owner.sid) return warn(state, `streamSid ${JSON.stringify(message.streamSid)} is not this stream (${state.owner.sid})`);
  const nowMs = state.ctx.clock.now();
  if (event === "media") {
    const payload = (message.media as { payload?: unknown } | undefined)?.payload;
    if (typeof payload !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(payload)) return warn(state, "media.payload must be base64 audio/x-mulaw");
    const bytes = Buffer.byteLength(payload, "base64");
    state.counters.mediaReceived++;
    state.counters.bytesReceived += bytes;
    // the app's audio queues behind what is still playing
    state.playoutUntilMs = Math.max(state.playoutUntilMs, nowMs) + bytes / BYTES_PER_MS;
    return;
  }
  if (event === "mark") {
    const name = (message.mark as { name?: unknown } | undefined)?.name;
    if (typeof name !== "string") return warn(state, "mark.name must be a string");
    if (state.pendingMarks.length >= MAX_PENDING_MARKS) return warn(state, `more than ${MAX_PENDING_MARKS} marks are waiting`);
    state.pendingMarks.push({ name, dueMs: Math.max(state.playoutUntilMs, nowMs) });
    return echoMarks(state, nowMs);
  }
  if (event === "clear") {
    state.counters.clears++;
    // the buffered audio is dropped: its marks come back at once
    state.playoutUntilMs = nowMs;
    for (const mark of state.pendingMarks) mark.dueMs = nowMs;
    return echoMarks(state, nowMs);
  }
  warn(state, `"${event}" is not a message a stream accepts (media, mark, clear)`);
}

/** Sends the media frames due by `nowMs` (every track), then the marks due. */
function sendFrames(state: StreamState, nowMs: number): void {
  const target = Math.floor((nowMs - state.startedMs) / FRAME_MS);
  if (target - state.framesDue > MAX_FRAMES_PER_TICK) {
    state.counters.framesDropped += (target - state.framesDue - MAX_FRAMES_PER_TICK) * state.tracks.length;
    state.framesDue = target - MAX_FRAMES_PER_TICK;
  }
  for (; state.framesDue < target; state.framesDue++) {
    const frameMs = state.startedMs + state.framesDue * FRAME_MS;
    const chunk = ++state.chunk;
    for (const track of state.tracks) {
      if (state.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        state.counters.framesDropped++;
        continue;
      }
      // the caller's voice is a tone on the inbound track; audio played to the caller on the outbound one
      const isSound = track === "inbound" ? frameMs < state.callerSpeaksUntilMs : frameMs < state.playoutUntilMs;
      const media = { track, chunk: String(chunk), timestamp: String(state.framesDue * FRAME_MS), payload: isSound ? toneFrame(chunk) : SILENCE_FRAME };
      send(state, { event: "media", media }, true);
      state.counters.framesSent++;
    }
  }
  echoMarks(state, nowMs);
}

/** Ends the stream once: transcript summary, `stream.stopped` event, `stream-stopped` callback. */
async function finishStream(state: StreamState, session: StreamSession, how: "closed" | "stopped" | "call-ended"): Promise<boolean> {
  if (state.isOver) return false;
  state.isOver = true;
  const { ctx, doc, counters, owner } = state;
  removeSession(ctx, doc.sid, session);
  const summary = `${counters.framesSent} frames sent, ${counters.mediaReceived} media messages received (${counters.bytesReceived} bytes), ${counters.marksEchoed} marks echoed, ${counters.clears} clears`;
  hear(ctx, doc.sid, { verb: "Stream", note: `${how === "closed" ? "closed by the app" : "stopped"} ${owner.sid}: ${summary}` });
  ctx.events.emit({ type: "stream.stopped", at: ctx.clock.now(), protocol: "media-streams", callSid: doc.sid, sid: owner.sid, how, ...counters });
  await statusCallback(ctx, doc, state.options, owner.sid, "stream-stopped");
  return true;
}

/** The live session: sends `connected` and `start`, then wires the socket to the protocol functions above. */
function createSession(ctx: Context, doc: CallDoc, options: MediaStreamOptions, owner: SocketOwner, socket: WebSocket, onClosed: () => Promise<void>): StreamSession {
  const startedMs = ctx.clock.now();
  const state: StreamState = {
    ctx, doc, options, owner, socket, startedMs,
    tracks: tracksOf(options),
    counters: { framesSent: 0, framesDropped: 0, mediaReceived: 0, bytesReceived: 0, marksEchoed: 0, clears: 0 },
    sequence: 0, chunk: 0, framesDue: 0, callerSpeaksUntilMs: 0, playoutUntilMs: startedMs,
    pendingMarks: [], hasWarned: false, isOver: false,
  };
  // `connected` describes the protocol and carries no sequence number or stream SID
  sendMessage(ctx, owner, socket, { event: "connected", protocol: "Call", version: "1.0.0" });
  const mediaFormat = { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 };
  send(state, { event: "start", start: { accountSid: doc.account_sid, streamSid: owner.sid, callSid: doc.sid, tracks: state.tracks, customParameters: options.parameters, mediaFormat } });

  const session: StreamSession = {
    kind: "stream",
    sid: owner.sid,
    name: options.name ?? owner.sid,
    isBlocking: options.isBidirectional,
    tick: (nowMs) => sendFrames(state, nowMs),
    async speech(text) {
      state.callerSpeaksUntilMs = Math.max(state.callerSpeaksUntilMs, ctx.clock.now()) + Math.max(1, words(text) / 2.5) * 1000;
      return false;
    },
    async digits(keys) {
      // Twilio sends dtmf messages on bidirectional streams only
      if (options.isBidirectional) for (const digit of keys.replace(/[wW]/g, "")) send(state, { event: "dtmf", dtmf: { track: "inbound_track", digit } });
      return false;
    },
    drop() {
      state.isOver = true;
      removeSession(ctx, doc.sid, session);
      socket.terminate();
    },
    async stop(reason) {
      if (state.isOver) return;
      send(state, { event: "stop", stop: { accountSid: doc.account_sid, callSid: doc.sid } });
      closeSocket(socket);
      await finishStream(state, session, reason);
    },
  };
  socket.on("message", (data, isBinary) => handleAppMessage(state, data, isBinary));
  socket.on("close", () => {
    void finishStream(state, session, "closed").then(
      (isFirst) => (isFirst ? onClosed() : undefined),
      (error: unknown) => process.emitWarning(`[@twilio-kit/sandbox] stream ${owner.sid}: ${String(error)}`),
    );
  });
  socket.on("error", () => undefined);
  return session;
}
