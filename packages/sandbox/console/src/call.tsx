// The call screen of a handset: call an account number, read what the caller hears as it happens,
// press digits, say something, hang up.
import { useState } from "preact/hooks";
import { get, post, type TranscriptEntry } from "./api.js";
import { useLive } from "./live.js";

const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];
const ENDED = new Set(["completed", "busy", "failed", "no-answer", "canceled"]);
const RINGING = new Set(["queued", "initiated", "ringing"]);

interface Transcript {
  sid: string;
  status: string;
  transcript: TranscriptEntry[];
  /** Set for a call the app placed to this handset. */
  incomingFrom?: string;
}

function line(entry: TranscriptEntry): string {
  const verb = String(entry.verb ?? "");
  if (entry.text) return `${verb}: ${entry.text}`;
  if (entry.url) return `${verb}: ${entry.url}`;
  if (entry.digits) return `You pressed ${entry.digits}`;
  if (entry.speech) return `You said “${entry.speech}”`;
  return [verb, entry.to, entry.status, entry.note].filter(Boolean).join(" ");
}

/** Calls `number` from `handset` and shows the live call. */
export function CallScreen({ handset, number }: { handset: string; number: string }) {
  const [call, setCall] = useState<Transcript | undefined>();
  const [speech, setSpeech] = useState("");
  const [error, setError] = useState("");
  const refresh = (sid: string, incomingFrom = call?.sid === sid ? call.incomingFrom : undefined) =>
    get<Transcript>(`/calls/${sid}/transcript`).then((t) => setCall({ ...t, incomingFrom }), () => undefined);
  useLive(
    (event) => {
      // a call the app places to this handset rings here
      if (event.type === "call.created" && event.to === handset && event.direction !== "inbound" && (!call || ENDED.has(call.status))) void refresh(String(event.sid), String(event.from));
      if (call && event.sid === call.sid && (event.type === "call.transcript" || event.type === "call.status")) void refresh(call.sid);
      if (event.type === "reset") setCall(undefined);
    },
    [call?.sid, call?.status, handset],
  );
  const act = async (fn: () => Promise<Transcript | { sid: string }>) => {
    try {
      setError("");
      const result = await fn();
      await refresh(result.sid);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const active = call && !ENDED.has(call.status);
  return (
    <section class="call" aria-label="Call">
      <div class="inline">
        <button type="button" disabled={!!active} onClick={() => act(() => post<{ sid: string }>("/calls/inbound", { From: handset, To: number }))}>
          Call {number}
        </button>
        {call && (
          <p role="status">
            {call.incomingFrom ? `Incoming call from ${call.incomingFrom}` : "Call"} {call.sid}: <strong>{call.status}</strong>
          </p>
        )}
      </div>
      {call && RINGING.has(call.status) && call.incomingFrom && (
        <div class="inline" role="group" aria-label="Incoming call">
          <button type="button" class="danger" onClick={() => act(() => post<Transcript>(`/calls/${call.sid}/status`, { Status: "busy" }))}>
            Decline (busy)
          </button>
          <button type="button" onClick={() => act(() => post<Transcript>(`/calls/${call.sid}/status`, { Status: "no-answer" }))}>
            Let it ring (no answer)
          </button>
          <span class="muted">Left alone, the handset answers.</span>
        </div>
      )}
      {error && <p role="alert" class="error">{error}</p>}
      {call && (
        <>
          <ol class="transcript" aria-label="Call transcript" aria-live="polite">
            {call.transcript.map((entry, i) => (
              <li key={i}>{line(entry)}</li>
            ))}
          </ol>
          {active && !RINGING.has(call.status) && (
            <>
              <div class="dialpad" role="group" aria-label="Dial pad">
                {KEYS.map((key) => (
                  <button type="button" key={key} aria-label={`Dial ${key}`} onClick={() => act(() => post<Transcript>(`/calls/${call.sid}/digits`, { Digits: key }))}>
                    {key}
                  </button>
                ))}
              </div>
              <form
                class="inline"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (!speech.trim()) return;
                  void act(() => post<Transcript>(`/calls/${call.sid}/speech`, { SpeechResult: speech.trim() }));
                  setSpeech("");
                }}
              >
                <label>
                  Speech input
                  <input value={speech} onInput={(e) => setSpeech((e.target as HTMLInputElement).value)} />
                </label>
                <button type="submit">Say</button>
              </form>
              <button type="button" class="danger" onClick={() => act(() => post<Transcript>(`/calls/${call.sid}/hangup`))}>
                Hang up
              </button>
            </>
          )}
        </>
      )}
    </section>
  );
}
