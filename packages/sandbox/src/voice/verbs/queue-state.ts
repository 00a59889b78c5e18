// What a call carries while it takes part in a queue: the caller's wait (`_queueWait`) and the
// agent's `<Dial><Queue>` (`_queueDial`). Both live on the stored call, so they survive restarts.
import type { TwimlNode } from "@twilio-kit/twiml";
import type { CallDoc } from "../call.js";

/** Where a queued caller is: waiting (wait music), hearing the agent's `url` TwiML, or talking. */
export type QueuePhase = "waiting" | "bridging" | "bridged";

/** A caller's `<Enqueue>`. */
export interface QueueWait {
  queueSid: string;
  queueName: string;
  /** `action` resolved against the document, or null (then the verbs after `<Enqueue>` run). */
  action: string | null;
  method: string;
  waitUrl: string | null;
  waitMethod: string;
  enqueuedMs: number;
  /** Verbs after `<Enqueue>` and their document URL: wait documents replace the program meanwhile. */
  rest: TwimlNode[];
  restDocUrl: string | null;
  phase: QueuePhase;
  /** The agent's call once dequeued. */
  peer: string | null;
  /** When the current wait loop began (a loop is never shorter than MIN_WAIT_LOOP_MS). */
  loopMs: number;
}

/** An agent's `<Dial><Queue>`. */
export interface QueueDial {
  queueSid: string;
  queueName: string;
  phase: QueuePhase;
  peer: string | null;
  /** The `<Queue url>` TwiML played to the caller before the bridge. */
  url: string | null;
  urlMethod: string;
  action: string | null;
  method: string;
  /** `<Dial timeLimit>`: the bridge ends after this long; null for no limit. */
  timeLimitSec: number | null;
  /** When the bridge began. */
  bridgedMs: number | null;
}

/** A call with the queue fields (absent until the call meets a queue). */
export type QueueCall = CallDoc & { _queueWait?: QueueWait | null; _queueDial?: QueueDial | null };
