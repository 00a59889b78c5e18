// Adds a line to a call's transcript outside the interpreter's step (bridges, queues, conferences).
import type { Context } from "../../engine/context.js";
import type { CallDoc, TranscriptEntry } from "../call.js";

/** Appends to the transcript and emits `call.transcript`, as the interpreter does; the caller saves. */
export function hear(ctx: Context, doc: CallDoc, entry: Omit<TranscriptEntry, "at">): void {
  const full = { at: ctx.clock.now(), ...entry };
  doc._transcript.push(full);
  ctx.events.emit({ type: "call.transcript", at: full.at, sid: doc.sid, entry: full });
}
