// The SSE stream of sandbox events, shared by every view. EventSource reconnects on its own (the
// sandbox sends `retry: 1000`); after a reconnect every view reloads, since events were missed.
import { useEffect, useState } from "preact/hooks";

/** One sandbox event as sent on /_sandbox/events. */
export interface LiveEvent {
  type: string;
  at: number;
  [key: string]: unknown;
}

type Listener = (event: LiveEvent) => void;
const listeners = new Set<Listener>();
const stateListeners = new Set<(state: LiveState) => void>();
/** Whether the stream is connected. */
export type LiveState = "connecting" | "live" | "reconnecting";
let state: LiveState = "connecting";
let source: EventSource | undefined;
let generation = 0;

const TYPES = ["message.created", "message.status", "message.deleted", "call.created", "call.status", "call.transcript", "webhook", "alert", "reset", "verify.code"];

function setState(next: LiveState): void {
  state = next;
  for (const listener of stateListeners) listener(next);
}

/** Opens the stream once. */
export function connect(): void {
  if (source) return;
  source = new EventSource("/_sandbox/events");
  source.onopen = () => {
    // a reopen after an error: the sandbox restarted or the network dropped, reload everything
    if (state === "reconnecting") {
      generation++;
      for (const listener of listeners) listener({ type: "resync", at: Date.now() });
    }
    setState("live");
  };
  source.onerror = () => setState("reconnecting");
  for (const type of TYPES) {
    source.addEventListener(type, (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as LiveEvent;
      for (const listener of listeners) listener(event);
    });
  }
}

/** Calls `listener` for every event (and `resync` after a reconnect) while the component is mounted. */
export function useLive(listener: Listener, deps: unknown[]): void {
  useEffect(() => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
}

/** The stream's connection state. */
export function useLiveState(): LiveState {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    stateListeners.add(setCurrent);
    return () => void stateListeners.delete(setCurrent);
  }, []);
  return current;
}

/** A counter that grows at every reconnect (a dependency that reloads data). */
export function liveGeneration(): number {
  return generation;
}

/** Runs `fn` at most once per `ms` for bursts of events (10,000 statuses must not mean 10,000 reloads). */
export function debounce(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
}
