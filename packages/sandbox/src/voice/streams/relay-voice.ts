// The two clocks of a ConversationRelay session: the agent's synthetic voice on the virtual clock
// (what the caller has heard when they interrupt), and the app's turns in real time (so
// `sendSpeech` can resolve once the app answered).
import type { Context } from "../../engine/context.js";
import { hear } from "./registry.js";

/** Words the synthetic voice speaks per second (the same rate as `<Say>`). */
export const WORDS_PER_SEC = 2.5;
/** Real milliseconds the sandbox waits for the app's answer to `setup` or a prompt before moving on. */
export const RELAY_REPLY_TIMEOUT_MS = 1_000;
/** An utterance longer than this (no `last` yet) is written to the transcript and started afresh. */
export const MAX_UTTERANCE_CHARS = 10_000;

/** Whether an interruptible setting (`any`, `none`, `speech`, `dtmf`, `true`, `false`) lets this input cut the agent off. */
export function allowsInterrupt(setting: string, by: "speech" | "dtmf"): boolean {
  const value = setting.toLowerCase();
  return value === "any" || value === "true" || value === by;
}

/** The agent's current utterance on the virtual clock. */
interface Speaking {
  text: string;
  startMs: number;
  untilMs: number;
  interruptible: string;
}

/** The agent's voice: queues speech, and cuts it off with an `interrupt` message when allowed. */
export function createVoice(ctx: Context, callSid: string, send: (message: Record<string, unknown>) => boolean) {
  let speaking: Speaking | undefined;
  return {
    /** Queues speech (or a play) behind whatever the agent is still saying. */
    say(text: string, seconds: number, interruptible: string): void {
      const nowMs = ctx.clock.now();
      if (speaking && speaking.untilMs > nowMs) {
        // the words heard so far are what an interrupt reports: keep a bounded prefix
        if (speaking.text.length < MAX_UTTERANCE_CHARS) speaking.text += text;
        speaking.untilMs += seconds * 1000;
      } else {
        speaking = { text, startMs: nowMs, untilMs: nowMs + seconds * 1000, interruptible };
      }
    },
    /** Cuts the agent off if it is speaking and the setting allows; false when it may not be interrupted. */
    interrupt(by: "speech" | "dtmf"): boolean {
      const nowMs = ctx.clock.now();
      if (!speaking || speaking.untilMs <= nowMs) return true;
      if (!allowsInterrupt(speaking.interruptible, by)) return false;
      const elapsedMs = nowMs - speaking.startMs;
      const utteranceUntilInterrupt = speaking.text.trim().split(/\s+/).slice(0, Math.floor((elapsedMs / 1000) * WORDS_PER_SEC)).join(" ");
      send({ type: "interrupt", utteranceUntilInterrupt, durationUntilInterruptMs: elapsedMs });
      hear(ctx, callSid, { verb: "ConversationRelay", note: "interrupted", text: utteranceUntilInterrupt });
      speaking = undefined;
      return true;
    },
  };
}

/** The app's turns: `next()` resolves at its next turn-ending message (`taken()`), or after the timeout. */
export function createTurns() {
  let waiters: Array<() => void> = [];
  let isClosed = false;
  return {
    next(): Promise<void> {
      return new Promise<void>((resolve) => {
        if (isClosed) return resolve();
        const timer = setTimeout(resolve, RELAY_REPLY_TIMEOUT_MS);
        timer.unref?.();
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    taken(): void {
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    },
    /** The session ended: every wait resolves now and later. */
    close(): void {
      isClosed = true;
      this.taken();
    },
  };
}
