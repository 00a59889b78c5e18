// Where Media Streams and ConversationRelay plug into a call: the verbs `<Connect>` (holds the call's
// TwiML until the socket session ends, then `action` or the next verb), `<Start><Stream>` and
// `<Stop><Stream>` (a stream beside the TwiML), the clock tick that paces media, the caller's speech
// and keys, and the end of the call.
import type { TwimlNode } from "@twilio-kit/twiml";
import type { Context } from "../../engine/context.js";
import { resolveUrl } from "../../engine/util.js";
import { raiseAlert } from "../../outbound/alerts.js";
import { TWIML_ERRORS } from "../../outbound/twiml-fetch.js";
import { callParams, FINAL, load, save, type CallDoc, type TranscriptEntry } from "../call.js";
import { fetchDocument, step } from "../interpreter.js";
import { openMediaStream, type MediaStreamOptions } from "./media-stream.js";
import { allSessions, customParameters, sessionsOf, type StreamSession } from "./registry.js";
import { openRelay, type RelayEnd, type RelayOptions } from "./relay.js";
import { isWebSocketUrl } from "./socket.js";

type Heard = (entry: Omit<TranscriptEntry, "at">) => void;

/** The clock job that paces media frames and watches `<Connect>` sessions. */
export const STREAM_TICK_JOB = "vstream";
/** Virtual milliseconds between ticks: five 20 ms frames per track each time. */
export const TICK_MS = 100;
/** Twilio allows four unidirectional streams on a call; more are skipped with a warning. */
export const MAX_START_STREAMS = 4;

// the document generation a <Connect> session holds: a newer document (a REST redirect) stops it
const heldGeneration = new WeakMap<StreamSession, number>();

/** Starts the tick when a call gets its first session. */
function startTicking(ctx: Context, doc: CallDoc, wasIdle: boolean): void {
  if (wasIdle) ctx.clock.schedule(TICK_MS, STREAM_TICK_JOB, doc.sid, {});
}

/** The `<Stream>` attributes as options; undefined (with an alert) when the URL cannot be dialled. */
function streamOptions(ctx: Context, doc: CallDoc, noun: TwimlNode, isBidirectional: boolean, heard: Heard): MediaStreamOptions | undefined {
  const a = noun.attributes;
  const url = (a.url ?? "").trim();
  if (!isWebSocketUrl(url)) {
    heard({ verb: "Stream", note: `skipped: url must be ws:// or wss://, got ${JSON.stringify(url)}` });
    raiseAlert(ctx, doc.account_sid, TWIML_ERRORS.invalidUrl, `<Stream> url must be a ws:// or wss:// URL, got ${JSON.stringify(url)}`, doc.sid);
    return undefined;
  }
  const base = doc._docUrl ?? "http://invalid.invalid/";
  return {
    url,
    name: a.name || undefined,
    track: a.track ?? "inbound_track",
    statusCallback: a.statusCallback ? (resolveUrl(a.statusCallback, base) ?? null) : null,
    statusCallbackMethod: (a.statusCallbackMethod ?? "POST").toUpperCase(),
    parameters: customParameters(noun.children),
    isBidirectional,
  };
}

/** `<ConversationRelay>` attributes as options (Twilio's defaults where absent). */
function relayOptions(noun: TwimlNode): RelayOptions {
  const a = noun.attributes;
  const language = a.language ?? "en-US";
  return {
    url: (a.url ?? "").trim(),
    welcomeGreeting: a.welcomeGreeting || undefined,
    welcomeGreetingInterruptible: a.welcomeGreetingInterruptible ?? "any",
    interruptible: a.interruptible ?? "any",
    dtmfDetection: a.dtmfDetection === "true",
    ttsLanguage: a.ttsLanguage ?? language,
    transcriptionLanguage: a.transcriptionLanguage ?? language,
    parameters: customParameters(noun.children),
  };
}

/** Resumes a call held by `<Connect>`: its `action` document, or else the next verb. */
async function resume(ctx: Context, callSid: string, gen: number, action: string | null, method: string, extra: Record<string, string>): Promise<void> {
  const doc = load(ctx, callSid);
  if (!doc) return;
  if (FINAL.has(doc.status) || doc._gen !== gen) {
    // the call ended (or moved on): the action request still reports how the session ended
    if (action) await ctx.send({ kind: "voice-action", ref: doc.sid, accountSid: doc.account_sid, authToken: ctx.authTokenOf(doc.account_sid), url: action, method, params: { ...callParams(doc), ...extra } });
    return;
  }
  if (!action) return step(ctx, doc);
  doc._gen++;
  doc._program = [];
  save(ctx, doc);
  await fetchDocument(ctx, doc, action, method, extra);
}

/** The parameters of the `<Connect action>` request after a ConversationRelay session. */
export function relayActionParams(end: RelayEnd): Record<string, string> {
  const params: Record<string, string> = { SessionId: end.sessionId, SessionStatus: end.status, SessionDuration: String(end.durationSec) };
  if (end.handoffData !== undefined) params.HandoffData = end.handoffData;
  if (end.error) params.ErrorMessage = end.error;
  return params;
}

/** Runs `<Connect>` with a `<Stream>` or `<ConversationRelay>`; the call waits until the session ends. */
export async function runConnect(ctx: Context, doc: CallDoc, verb: TwimlNode, heard: Heard): Promise<void> {
  const noun = verb.children.find((child) => child.type === "Stream" || child.type === "ConversationRelay");
  if (!noun) {
    const other = verb.children[0]?.type ?? "nothing";
    heard({ verb: "Connect", note: `<${other}> is not emulated` });
    raiseAlert(ctx, doc.account_sid, TWIML_ERRORS.schemaWarning, `<Connect><${other}> is not emulated by the sandbox: skipped`, doc.sid, undefined, "warning");
    return step(ctx, doc);
  }
  const base = doc._docUrl ?? "http://invalid.invalid/";
  const action = verb.attributes.action ? (resolveUrl(verb.attributes.action, base) ?? null) : null;
  const method = (verb.attributes.method ?? "POST").toUpperCase();
  const gen = doc._gen;
  // the verb is already taken off the program: store that before anything reloads the call
  save(ctx, doc);
  const wasIdle = sessionsOf(ctx, doc.sid).length === 0;
  let session: StreamSession | undefined;
  if (noun.type === "Stream") {
    const options = streamOptions(ctx, doc, noun, true, heard);
    if (!options) return step(ctx, doc);
    save(ctx, doc);
    session = await openMediaStream(ctx, doc, options, () => resume(ctx, doc.sid, gen, action, method, {}));
    if (!session) return resume(ctx, doc.sid, gen, action, method, {});
  } else {
    const options = relayOptions(noun);
    const onEnded = (end: RelayEnd) => resume(ctx, doc.sid, gen, action, method, relayActionParams(end)).catch((error: unknown) => process.emitWarning(`[@twilio-kit/sandbox] <Connect action> of ${doc.sid}: ${String(error)}`));
    if (!isWebSocketUrl(options.url)) {
      heard({ verb: "ConversationRelay", note: `skipped: url must be ws:// or wss://, got ${JSON.stringify(options.url)}` });
      raiseAlert(ctx, doc.account_sid, TWIML_ERRORS.invalidUrl, `<ConversationRelay> url must be a ws:// or wss:// URL, got ${JSON.stringify(options.url)}`, doc.sid);
      return step(ctx, doc);
    }
    save(ctx, doc);
    session = await openRelay(ctx, doc, options, onEnded);
    if (!session) return;
  }
  heldGeneration.set(session, gen);
  startTicking(ctx, doc, wasIdle);
}

/** Runs `<Start><Stream>`: a unidirectional stream beside the TwiML, which goes on at once. */
export async function runStart(ctx: Context, doc: CallDoc, verb: TwimlNode, heard: Heard): Promise<void> {
  // the verb is already taken off the program: store that before anything reloads the call
  save(ctx, doc);
  for (const noun of verb.children) {
    if (noun.type !== "Stream") {
      heard({ verb: "Start", note: `<${noun.type}> is not emulated` });
      raiseAlert(ctx, doc.account_sid, TWIML_ERRORS.schemaWarning, `<Start><${noun.type}> is not emulated by the sandbox: skipped`, doc.sid, undefined, "warning");
      continue;
    }
    const running = sessionsOf(ctx, doc.sid).filter((session) => session.kind === "stream" && !session.isBlocking).length;
    if (running >= MAX_START_STREAMS) {
      heard({ verb: "Stream", note: `skipped: a call has at most ${MAX_START_STREAMS} <Start> streams` });
      raiseAlert(ctx, doc.account_sid, TWIML_ERRORS.schemaWarning, `<Start><Stream>: a call has at most ${MAX_START_STREAMS} unidirectional streams; this one was skipped`, doc.sid, undefined, "warning");
      save(ctx, doc);
      continue;
    }
    const options = streamOptions(ctx, doc, noun, false, heard);
    save(ctx, doc);
    if (!options) continue;
    const wasIdle = sessionsOf(ctx, doc.sid).length === 0;
    const session = await openMediaStream(ctx, doc, options, async () => undefined);
    if (session) startTicking(ctx, doc, wasIdle);
  }
  const fresh = load(ctx, doc.sid);
  if (fresh && !FINAL.has(fresh.status)) await step(ctx, fresh);
}

/** Runs `<Stop><Stream name>`: stops that stream (every `<Start>` stream without a name). */
export async function runStop(ctx: Context, doc: CallDoc, verb: TwimlNode, heard: Heard): Promise<void> {
  save(ctx, doc);
  for (const noun of verb.children) {
    const name = noun.attributes.name;
    const targets = sessionsOf(ctx, doc.sid).filter((session) => session.kind === "stream" && !session.isBlocking && (!name || session.name === name));
    if (!targets.length) heard({ verb: "Stop", note: `no stream ${name ?? ""} to stop`.replace("  ", " ") });
    for (const session of targets) await session.stop("stopped");
  }
  const fresh = load(ctx, doc.sid);
  if (fresh && !FINAL.has(fresh.status)) await step(ctx, fresh);
}

/**
 * A call got a new document (redirect, action, REST update): the update cancelled the call's jobs,
 * so the tick is re-armed (once); at that tick a `<Connect>` session of the old document stops.
 * Writes no call document: the caller goes on with its own copy.
 */
export function streamsOnNewDocument(ctx: Context, doc: CallDoc): void {
  if (!sessionsOf(ctx, doc.sid).length) return;
  ctx.clock.cancel(doc.sid, STREAM_TICK_JOB);
  ctx.clock.schedule(TICK_MS, STREAM_TICK_JOB, doc.sid, {});
}

/** Runs the stream tick of a call: media frames, mark echoes, and `<Connect>` sessions of an old document. */
export async function runStreamTick(ctx: Context, doc: CallDoc): Promise<void> {
  const sessions = sessionsOf(ctx, doc.sid);
  if (!sessions.length) return;
  const nowMs = ctx.clock.now();
  for (const session of sessions) {
    const gen = heldGeneration.get(session);
    if (gen !== undefined && gen !== doc._gen) await session.stop("stopped");
    else session.tick(nowMs);
  }
  if (sessionsOf(ctx, doc.sid).length) ctx.clock.schedule(TICK_MS, STREAM_TICK_JOB, doc.sid, {});
}

/** The caller spoke: every session hears it; true when one consumed it (ConversationRelay does). */
export async function streamSpeech(ctx: Context, doc: CallDoc, speech: string): Promise<boolean> {
  let isConsumed = false;
  for (const session of sessionsOf(ctx, doc.sid)) if (await session.speech(speech)) isConsumed = true;
  return isConsumed;
}

/** The caller pressed keys: every session gets them; true when one consumed them. */
export async function streamDigits(ctx: Context, doc: CallDoc, digits: string): Promise<boolean> {
  let isConsumed = false;
  for (const session of sessionsOf(ctx, doc.sid)) if (await session.digits(digits)) isConsumed = true;
  return isConsumed;
}

/** Drops every live socket of a sandbox without a word (it stops or resets): nothing is stored any more. */
export function dropAllStreams(ctx: Context): void {
  for (const session of allSessions(ctx)) session.drop();
}

/** The call ended: every stream gets `stop`, every relay session ends. */
export async function streamsEnded(ctx: Context, doc: CallDoc): Promise<void> {
  for (const session of sessionsOf(ctx, doc.sid)) await session.stop("call-ended");
}
