// The WebSocket side of Media Streams and ConversationRelay: the sandbox dials the app's ws:// URL
// with `ws` (Node 20's global WebSocket is still experimental there and cannot set the handshake's
// X-Twilio-Signature header), signs the upgrade request as Twilio does, bounds what it accepts, and
// puts every control message (in and out) on the event stream. `ws` is imported on the first dial:
// most runs never open a socket, and loading it would cost every start.
import type WebSocket from "ws";
import type { Context } from "../../engine/context.js";
import { signTwilioRequest } from "../../outbound/signing.js";

/** Largest message the sandbox accepts from an app (a second of μ-law audio is 8 KB; 1 MiB is generous). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** How long the WebSocket handshake may take, in real milliseconds. */
export const CONNECT_TIMEOUT_MS = 5_000;

// WebSocket readyState values (the same in `ws` and the WHATWG API): no `ws` import needed to read them
const OPEN = 1;
const CLOSED = 3;

/** Which protocol a socket speaks (the `protocol` of `stream.message` events). */
export type StreamProtocol = "media-streams" | "conversation-relay";

/** Where a socket belongs: shown on every event it causes. */
export interface SocketOwner {
  protocol: StreamProtocol;
  accountSid: string;
  callSid: string;
  /** The stream SID (MZ…) or ConversationRelay session id (VX…). */
  sid: string;
}

/** The outcome of dialling an app's WebSocket URL. */
export type Dialled = { ok: true; socket: WebSocket } | { ok: false; error: string; status?: number };

/** Whether a `<Stream url>` / `<ConversationRelay url>` is a WebSocket URL the sandbox can dial. */
export function isWebSocketUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "ws:" || url.protocol === "wss:";
  } catch {
    return false;
  }
}

/**
 * Opens a WebSocket to the app, signed with the account's auth token over the URL (as Twilio signs
 * the upgrade request of Media Streams and ConversationRelay). Never rejects.
 */
export async function dial(ctx: Context, owner: SocketOwner, url: string): Promise<Dialled> {
  const signature = await signTwilioRequest(ctx.authTokenOf(owner.accountSid), url, {});
  let WebSocketClass: typeof WebSocket;
  try {
    WebSocketClass = (await import("ws")).default;
  } catch (error) {
    return { ok: false, error: `the WebSocket client could not be loaded: ${(error as Error).message}` };
  }
  return new Promise<Dialled>((resolve) => {
    let socket: WebSocket;
    try {
      socket = new WebSocketClass(url, {
        headers: { "X-Twilio-Signature": signature, "User-Agent": "TwilioProxy/1.1" },
        handshakeTimeout: CONNECT_TIMEOUT_MS,
        maxPayload: MAX_MESSAGE_BYTES,
        perMessageDeflate: false,
      });
    } catch (error) {
      resolve({ ok: false, error: (error as Error).message });
      return;
    }
    const fail = (error: string, status?: number) => {
      socket.removeAllListeners();
      // a late 'error' after we gave up must not become an unhandled exception
      socket.on("error", () => undefined);
      socket.terminate();
      resolve({ ok: false, error, ...(status === undefined ? {} : { status }) });
    };
    socket.once("open", () => {
      socket.removeAllListeners();
      resolve({ ok: true, socket });
    });
    socket.once("unexpected-response", (_request, response) => fail(`the server answered the upgrade with HTTP ${response.statusCode}`, response.statusCode));
    socket.once("error", (error) => fail(error.message));
  });
}

/** Sends one JSON message if the socket is open; control messages are also emitted as events. */
export function sendMessage(ctx: Context, owner: SocketOwner, socket: WebSocket, message: Record<string, unknown>, isQuiet = false): boolean {
  if (socket.readyState !== OPEN) return false;
  socket.send(JSON.stringify(message));
  if (!isQuiet) emitExchange(ctx, owner, "to-app", message);
  return true;
}

/** Puts one message of the exchange on the event stream (`stream.message`). */
export function emitExchange(ctx: Context, owner: SocketOwner, direction: "to-app" | "from-app", message: unknown): void {
  if (!ctx.events.hasListeners()) return;
  ctx.events.emit({ type: "stream.message", at: ctx.clock.now(), protocol: owner.protocol, callSid: owner.callSid, sid: owner.sid, direction, message });
}

/** Parses a message from the app: an object with a string `field` (`event` or `type`), or an error text. */
export function parseMessage(data: WebSocket.RawData, isBinary: boolean, field: "event" | "type"): { ok: true; message: Record<string, unknown> & { [key: string]: unknown } } | { ok: false; error: string } {
  if (isBinary) return { ok: false, error: "binary frames are not part of the protocol: send JSON text" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.concat(data as Buffer[]).toString("utf8"));
  } catch {
    return { ok: false, error: "the message is not valid JSON" };
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return { ok: false, error: "the message is not a JSON object" };
  const message = parsed as Record<string, unknown>;
  if (typeof message[field] !== "string") return { ok: false, error: `the message has no string "${field}"` };
  return { ok: true, message };
}

/** Closes a socket politely (1000), then for sure after a second. */
export function closeSocket(socket: WebSocket): void {
  if (socket.readyState === CLOSED) return;
  socket.close(1000);
  const timer = setTimeout(() => socket.terminate(), 1_000);
  timer.unref?.();
  socket.once("close", () => clearTimeout(timer));
}
