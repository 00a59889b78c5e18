// The live sockets of each sandbox, by call. Sockets cannot be stored in SQLite: they live here, in
// memory, and a restarted sandbox has none (its calls' streams are gone, as after a network loss).
import type { Context } from "../../engine/context.js";
import { load, save, type TranscriptEntry } from "../call.js";

/** What every live socket session offers the call it belongs to. */
export interface StreamSession {
  /** `stream` (Media Streams) or `relay` (ConversationRelay). */
  kind: "stream" | "relay";
  /** MZ… or VX…. */
  sid: string;
  /** Stream name (Media Streams) for `<Stop><Stream name>`. */
  name: string;
  /** `<Connect>` sessions hold the call's TwiML until they end; `<Start>` ones run beside it. */
  isBlocking: boolean;
  /** Runs every tick of the virtual clock (media frames, mark echoes). */
  tick(nowMs: number): void;
  /** The caller said something; true when the session consumed it (a `<Gather>` must not see it). */
  speech(text: string): Promise<boolean>;
  /** The caller pressed keys; true when the session consumed them. */
  digits(keys: string): Promise<boolean>;
  /** Ends the session because the call ended or TwiML stopped it. */
  stop(reason: "call-ended" | "stopped"): Promise<void>;
  /** Closes the socket and forgets the session, writing nothing (the sandbox stops or resets). */
  drop(): void;
}

const registries = new WeakMap<Context, Map<string, StreamSession[]>>();

function registryOf(ctx: Context): Map<string, StreamSession[]> {
  let registry = registries.get(ctx);
  if (!registry) {
    registry = new Map();
    registries.set(ctx, registry);
  }
  return registry;
}

/** The live sessions of a call, oldest first. */
export function sessionsOf(ctx: Context, callSid: string): StreamSession[] {
  return registryOf(ctx).get(callSid) ?? [];
}

/** Every live session of the sandbox. */
export function allSessions(ctx: Context): StreamSession[] {
  return [...registryOf(ctx).values()].flat();
}

/** Adds a live session to its call. */
export function addSession(ctx: Context, callSid: string, session: StreamSession): void {
  const registry = registryOf(ctx);
  registry.set(callSid, [...(registry.get(callSid) ?? []), session]);
}

/** Forgets a session (it ended). */
export function removeSession(ctx: Context, callSid: string, session: StreamSession): void {
  const registry = registryOf(ctx);
  const left = (registry.get(callSid) ?? []).filter((other) => other !== session);
  if (left.length) registry.set(callSid, left);
  else registry.delete(callSid);
}

/** Appends to a call's transcript from socket code (outside the interpreter's step loop). */
export function hear(ctx: Context, callSid: string, entry: Omit<TranscriptEntry, "at">): void {
  const doc = load(ctx, callSid);
  if (!doc) return;
  const full = { at: ctx.clock.now(), ...entry };
  doc._transcript.push(full);
  save(ctx, doc);
  ctx.events.emit({ type: "call.transcript", at: full.at, sid: callSid, entry: full });
}

/** The `<Parameter name value>` children of a `<Stream>` or `<ConversationRelay>`, at most 99 as Twilio allows. */
export function customParameters(children: ReadonlyArray<{ type: string; attributes: Record<string, string> }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const child of children) {
    if (child.type !== "Parameter" || !child.attributes.name) continue;
    if (Object.keys(out).length >= 99) break;
    out[child.attributes.name] = child.attributes.value ?? "";
  }
  return out;
}
