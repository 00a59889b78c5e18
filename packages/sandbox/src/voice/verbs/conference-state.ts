// What a call carries while it is in a conference (`_conf`), on the stored call.
import type { TwimlNode } from "@twilio-kit/twiml";
import type { CallDoc } from "../call.js";

/** A call's `<Dial><Conference>`. */
export interface ConferenceStay {
  conferenceSid: string;
  name: string;
  /** The Dial `action` (resolved) or null: then the verbs after `<Dial>` run once the call leaves. */
  action: string | null;
  method: string;
  rest: TwimlNode[];
  restDocUrl: string | null;
  /** `waitUrl`: null for Twilio's default music, "" for silence. */
  waitUrl: string | null;
  waitMethod: string;
  holdUrl: string | null;
  holdMethod: string;
  joinedMs: number;
  /** When the current wait or hold loop began (a loop is never shorter than 1 s). */
  loopMs: number;
}

/** A call with the conference field (absent until it joins one). */
export type ConferenceCall = CallDoc & { _conf?: ConferenceStay | null };
