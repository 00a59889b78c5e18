// Everything that happens in the sandbox as one stream: the SSE endpoint, the waitFor helpers and
// tests all read it.
import { EventEmitter } from "node:events";

/** One sandbox event. `type` is dotted (`message.status`, `call.created`, `webhook`, `alert`). */
export interface SandboxEvent {
  type: string;
  /** Virtual time of the event, ms since epoch. */
  at: number;
  [key: string]: unknown;
}

/** Creates the event bus. */
export function createEvents() {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let counter = 0;
  return {
    emit(event: SandboxEvent): void {
      counter++;
      // most events have no listener (no SSE client, no waitFor): skip the copy
      if (emitter.listenerCount("event") === 0) return;
      emitter.emit("event", { id: counter, ...event });
    },
    /** Whether anyone listens (events that cost work to build are skipped otherwise). */
    hasListeners(): boolean {
      return emitter.listenerCount("event") > 0;
    },
    on(listener: (event: SandboxEvent & { id: number }) => void): () => void {
      emitter.on("event", listener);
      return () => emitter.off("event", listener);
    },
  };
}

/** The event bus API. */
export type Events = ReturnType<typeof createEvents>;
