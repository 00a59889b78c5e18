// Twilio's ConversationRelay protocol over a WebSocket the sandbox opens to the app. Twilio's side:
// `setup`, `prompt` (what the caller says: the control API's speech input), `dtmf`, `interrupt`,
// `error`. The app's side: `text` tokens (streamed until `last`), `play`, `sendDigits`, `language`,
// `end`. The sandbox "speaks" the app's text on the virtual clock (2.5 words a second, as `<Say>`),
// so a caller speaking before it finished interrupts it, and the transcript shows what was heard.
// https://www.twilio.com/docs/voice/conversationrelay/websocket-messages
import type WebSocket from "ws";
import type { Context } from "../../engine/context.js";
import { raiseAlert } from "../../outbound/alerts.js";
import type { CallDoc } from "../call.js";
import { words } from "../interpreter.js";
import { addSession, hear, removeSession, type StreamSession } from "./registry.js";
import { createTurns, createVoice, MAX_UTTERANCE_CHARS, WORDS_PER_SEC } from "./relay-voice.js";
import { closeSocket, dial, emitExchange, parseMessage, sendMessage, type SocketOwner } from "./socket.js";

/** "ConversationRelay: Invalid Message Received": the message is dropped, the session goes on. */
export const RELAY_INVALID_MESSAGE = 64107;
/** A `<Play>` from the app lasts this long per loop on the virtual clock. */
const PLAY_SEC = 5;

/** What `<ConversationRelay>` asked for (the attributes the sandbox acts on). */
export interface RelayOptions {
  url: string;
  welcomeGreeting: string | undefined;
  /** `none`, `dtmf`, `speech` or `any` (Twilio's default), also `true`/`false`. */
  welcomeGreetingInterruptible: string;
  interruptible: string;
  dtmfDetection: boolean;
  ttsLanguage: string;
  transcriptionLanguage: string;
  parameters: Record<string, string>;
}

/** How a session ended, for the `<Connect action>` request. */
export interface RelayEnd {
  /** `ended` (the app sent `end`), `completed` (the app closed the socket or the caller hung up), `failed`. */
  status: "ended" | "completed" | "failed";
  sessionId: string;
  durationSec: number;
  handoffData?: string;
  error?: string;
}

/**
 * Opens a ConversationRelay session. Resolves once `setup` was sent and the app answered it (or
 * RELAY_REPLY_TIMEOUT_MS passed); undefined when the socket could not be opened (then `onEnded`
 * already ran with `failed`).
 */
export async function openRelay(ctx: Context, doc: CallDoc, options: RelayOptions, onEnded: (end: RelayEnd) => Promise<void>): Promise<StreamSession | undefined> {
  const sessionId = ctx.sid("VX");
  const owner: SocketOwner = { protocol: "conversation-relay", accountSid: doc.account_sid, callSid: doc.sid, sid: sessionId };
  const dialled = await dial(ctx, owner, options.url);
  if (!dialled.ok) {
    hear(ctx, doc.sid, { verb: "ConversationRelay", url: options.url, note: `could not connect: ${dialled.error}` });
    raiseAlert(ctx, doc.account_sid, 11200, `ConversationRelay WebSocket ${options.url}: ${dialled.error}`, doc.sid);
    await onEnded({ status: "failed", sessionId, durationSec: 0, error: dialled.error });
    return undefined;
  }
  const session = createRelaySession(ctx, doc, options, owner, dialled.socket, onEnded);
  addSession(ctx, doc.sid, session.session);
  hear(ctx, doc.sid, { verb: "ConversationRelay", url: options.url, note: `connected ${sessionId}` });
  ctx.events.emit({ type: "stream.started", at: ctx.clock.now(), protocol: "conversation-relay", callSid: doc.sid, sid: sessionId, url: options.url, name: null });
  await session.begin();
  return session.session;
}

/** The session over one open socket: its state, the app's messages, and what the call may ask of it. */
function createRelaySession(ctx: Context, doc: CallDoc, options: RelayOptions, owner: SocketOwner, socket: WebSocket, onEnded: (end: RelayEnd) => Promise<void>) {
  const startedMs = ctx.clock.now();
  const language = { tts: options.ttsLanguage, transcription: options.transcriptionLanguage };
  let tokens: string[] = [];
  let isOver = false;
  const send = (message: Record<string, unknown>) => sendMessage(ctx, owner, socket, message);
  const turns = createTurns();
  const voice = createVoice(ctx, doc.sid, send);
  const { say, interrupt } = voice;
  const turnTaken = () => turns.taken();
  const end = async (result: Omit<RelayEnd, "sessionId" | "durationSec">, reason: string) => {
    if (isOver) return;
    isOver = true;
    turns.close();
    removeSession(ctx, doc.sid, session);
    closeSocket(socket);
    const durationSec = Math.round((ctx.clock.now() - startedMs) / 1000);
    hear(ctx, doc.sid, { verb: "ConversationRelay", note: `session ${owner.sid} ${result.status}: ${reason}` });
    ctx.events.emit({ type: "stream.stopped", at: ctx.clock.now(), protocol: "conversation-relay", callSid: doc.sid, sid: owner.sid, how: result.status, handoffData: result.handoffData ?? null });
    await onEnded({ ...result, sessionId: owner.sid, durationSec });
  };
  const handle = createMessageHandler(ctx, doc, owner, { send, say, turnTaken, language, options, end: (result, reason) => end(result, reason), tokens: () => tokens, setTokens: (next) => (tokens = next) });
  socket.on("message", (data, isBinary) => {
    if (!isOver) handle(data, isBinary);
  });
  socket.on("close", () => void end({ status: "completed" }, "the app closed the WebSocket").catch((error: unknown) => process.emitWarning(`[@twilio-kit/sandbox] relay ${owner.sid}: ${String(error)}`)));
  socket.on("error", () => undefined);

  const session: StreamSession = {
    kind: "relay",
    sid: owner.sid,
    name: owner.sid,
    isBlocking: true,
    tick() {},
    async speech(text) {
      if (!interrupt("speech")) {
        // reportInputDuringAgentSpeech defaults to none: speech over non-interruptible audio is not reported
        hear(ctx, doc.sid, { verb: "ConversationRelay", speech: text, note: "not reported: the agent was speaking and is not interruptible" });
        return true;
      }
      hear(ctx, doc.sid, { verb: "ConversationRelay", speech: text });
      const turn = turns.next();
      send({ type: "prompt", voicePrompt: text, lang: language.transcription, last: true });
      await turn;
      return true;
    },
    async digits(keys) {
      if (!options.dtmfDetection) {
        hear(ctx, doc.sid, { verb: "ConversationRelay", digits: keys, note: "not sent: dtmfDetection is off" });
        return true;
      }
      interrupt("dtmf");
      hear(ctx, doc.sid, { verb: "ConversationRelay", digits: keys });
      for (const digit of keys.replace(/[wW]/g, "")) send({ type: "dtmf", digit });
      return true;
    },
    drop() {
      isOver = true;
      turns.close();
      removeSession(ctx, doc.sid, session);
      socket.terminate();
    },
    async stop(reason) {
      await end({ status: "completed" }, reason === "call-ended" ? "the call ended" : "stopped");
    },
  };

  return {
    session,
    /** Sends `setup`, speaks the welcome greeting, and without one waits for the app's first turn. */
    async begin() {
      const turn = turns.next();
      send(setupMessage(doc, owner, options));
      if (options.welcomeGreeting) {
        hear(ctx, doc.sid, { verb: "ConversationRelay", text: options.welcomeGreeting, note: "welcome greeting" });
        say(options.welcomeGreeting, words(options.welcomeGreeting) / WORDS_PER_SEC, options.welcomeGreetingInterruptible);
        turnTaken();
        return;
      }
      await turn;
    },
  };
}

/** ConversationRelay's first message: who is calling whom, and the `<Parameter>`s of the TwiML. */
function setupMessage(doc: CallDoc, owner: SocketOwner, options: RelayOptions): Record<string, unknown> {
  return {
    type: "setup",
    sessionId: owner.sid,
    accountSid: doc.account_sid,
    parentCallSid: doc.parent_call_sid ?? "",
    callSid: doc.sid,
    from: doc.from,
    to: doc.to,
    forwardedFrom: "",
    callType: "PSTN",
    callerName: "",
    direction: doc.direction,
    callStatus: doc.status.toUpperCase(),
    customParameters: options.parameters,
  };
}

/** What the message handler may do to its session. */
interface HandlerTools {
  send(message: Record<string, unknown>): boolean;
  say(text: string, seconds: number, interruptible: string): void;
  turnTaken(): void;
  language: { tts: string; transcription: string };
  options: RelayOptions;
  end(result: Omit<RelayEnd, "sessionId" | "durationSec">, reason: string): Promise<void>;
  tokens(): string[];
  setTokens(next: string[]): void;
}

/** The app's messages: text, play, sendDigits, language, end; anything else is answered with `error`. */
function createMessageHandler(ctx: Context, doc: CallDoc, owner: SocketOwner, tools: HandlerTools) {
  const invalid = (why: string) => {
    tools.send({ type: "error", description: `Invalid message received: ${why}` });
    raiseAlert(ctx, doc.account_sid, RELAY_INVALID_MESSAGE, `ConversationRelay: Invalid Message Received: ${why}`, doc.sid, undefined, "error");
  };
  return (data: WebSocket.RawData, isBinary: boolean) => {
    const parsed = parseMessage(data, isBinary, "type");
    if (!parsed.ok) return invalid(parsed.error);
    const message = parsed.message;
    emitExchange(ctx, owner, "from-app", message);
    switch (message.type) {
      case "text": {
        if (typeof message.token !== "string") return invalid('"text" needs a string "token"');
        const interruptible = message.interruptible === undefined ? tools.options.interruptible : String(message.interruptible);
        tools.say(message.token, words(message.token) / WORDS_PER_SEC, interruptible);
        tools.setTokens([...tools.tokens(), message.token]);
        const isLong = tools.tokens().reduce((sum, token) => sum + token.length, 0) > MAX_UTTERANCE_CHARS;
        // an app that never says `last` must not grow the utterance without bound
        if (message.last !== true && !isLong) return;
        // one transcript line per finished utterance: what the caller heard, tokens joined
        hear(ctx, doc.sid, { verb: "ConversationRelay", text: tools.tokens().join("").trim() });
        tools.setTokens([]);
        return tools.turnTaken();
      }
      case "play": {
        if (typeof message.source !== "string" || !message.source) return invalid('"play" needs a "source" URL');
        const loop = Number.isInteger(message.loop) && (message.loop as number) > 0 ? Math.min(message.loop as number, 100) : 1;
        hear(ctx, doc.sid, { verb: "Play", url: message.source, note: "ConversationRelay play" });
        tools.say("", PLAY_SEC * loop, message.interruptible === undefined ? tools.options.interruptible : String(message.interruptible));
        return tools.turnTaken();
      }
      case "sendDigits": {
        if (typeof message.digits !== "string" || !/^[0-9*#wW]+$/.test(message.digits)) return invalid('"sendDigits" needs "digits" made of 0-9, *, # and w');
        hear(ctx, doc.sid, { verb: "Play", digits: message.digits, note: "ConversationRelay sendDigits" });
        return tools.turnTaken();
      }
      case "language": {
        const { ttsLanguage, transcriptionLanguage } = message;
        if ((ttsLanguage !== undefined && typeof ttsLanguage !== "string") || (transcriptionLanguage !== undefined && typeof transcriptionLanguage !== "string")) return invalid('"language" takes string "ttsLanguage" and "transcriptionLanguage"');
        if (ttsLanguage) tools.language.tts = ttsLanguage;
        if (transcriptionLanguage) tools.language.transcription = transcriptionLanguage;
        return hear(ctx, doc.sid, { verb: "ConversationRelay", note: `language: speaking ${tools.language.tts}, transcribing ${tools.language.transcription}` });
      }
      case "end": {
        const handoffData = message.handoffData;
        if (handoffData !== undefined && typeof handoffData !== "string") return invalid('"end" takes "handoffData" as a string');
        return void tools.end(handoffData === undefined ? { status: "ended" } : { status: "ended", handoffData }, handoffData === undefined ? "the app ended it" : "the app handed off");
      }
      default:
        invalid(`unknown type ${JSON.stringify(message.type)}`);
    }
  };
}
