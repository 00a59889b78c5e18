// Account and clock: credentials to copy (the token hidden until revealed), the numbers and their
// webhook URLs (editable), the virtual clock, and reset behind a confirmation.
import { useEffect, useRef, useState } from "preact/hooks";
import { get, post, type Info, type OwnedNumber } from "./api.js";
import { useLive } from "./live.js";
import { NumberRow } from "./number-row.js";

const STEPS: Array<{ label: string; ms: number }> = [
  { label: "1 second", ms: 1_000 },
  { label: "1 minute", ms: 60_000 },
  { label: "1 hour", ms: 3_600_000 },
  { label: "1 day", ms: 86_400_000 },
];

function Copy({ value, label }: { value: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      onClick={() =>
        navigator.clipboard?.writeText(value).then(
          () => (setDone(true), setTimeout(() => setDone(false), 1500)),
          () => undefined,
        )
      }
    >
      {done ? "Copied" : `Copy ${label}`}
    </button>
  );
}

/** The account view. */
export function Account({ info, onChange }: { info: Info | undefined; onChange: () => void }) {
  const [revealed, setRevealed] = useState(false);
  const [numbers, setNumbers] = useState<OwnedNumber[]>([]);
  const [clock, setClock] = useState(info?.clock);
  const [error, setError] = useState("");
  const dialog = useRef<HTMLDialogElement>(null);
  const load = () => get<{ numbers: OwnedNumber[] }>("/console/overview").then((o) => setNumbers(o.numbers));
  useEffect(() => void load(), []);
  useEffect(() => setClock(info?.clock), [info?.clock.now]);
  useLive((event) => {
    if (event.type === "reset" || event.type === "resync") void load();
  }, []);
  const run = async (fn: () => Promise<unknown>) => {
    try {
      setError("");
      await fn();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  if (!info) return <p>Loading…</p>;
  return (
    <div class="account">
      <section aria-labelledby="credentials-title">
        <h2 id="credentials-title">Credentials</h2>
        <dl class="facts">
          <dt>Account SID</dt>
          <dd class="mono">
            {info.accountSid} <Copy value={info.accountSid} label="account SID" />
          </dd>
          <dt>Auth token</dt>
          <dd class="mono">
            <span aria-label={revealed ? "Auth token" : "Auth token (hidden)"}>{revealed ? info.authToken : "•".repeat(32)}</span>{" "}
            <button type="button" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
              {revealed ? "Hide auth token" : "Reveal auth token"}
            </button>{" "}
            <Copy value={info.authToken} label="auth token" />
          </dd>
          <dt>API base URL</dt>
          <dd class="mono">{info.url}</dd>
        </dl>
      </section>
      <section aria-labelledby="numbers-title">
        <h2 id="numbers-title">Numbers</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">SmsUrl</th>
              <th scope="col">VoiceUrl</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {numbers.map((n) => (
              <NumberRow key={n.sid} info={info} number={n} onSaved={() => void load()} />
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="clock-title">
        <h2 id="clock-title">Virtual clock</h2>
        <p>
          Mode <strong>{clock?.mode}</strong>, now <time dateTime={clock ? new Date(clock.now).toISOString() : undefined}>{clock ? new Date(clock.now).toISOString() : ""}</time>
        </p>
        {clock?.mode === "manual" ? (
          <div class="inline" role="group" aria-label="Advance the clock">
            {STEPS.map((step) => (
              <button type="button" key={step.ms} onClick={() => run(async () => setClock(await post<Info["clock"]>("/clock/advance", { ms: step.ms })))}>
                Advance {step.label}
              </button>
            ))}
          </div>
        ) : (
          <p class="muted">The clock runs in real time; start the sandbox with the manual clock to move it by hand.</p>
        )}
      </section>
      <section aria-labelledby="reset-title">
        <h2 id="reset-title">Reset</h2>
        <p>Deletes every message, call, webhook log and resource, and restores the default account and number.</p>
        <button type="button" class="danger" onClick={() => dialog.current?.showModal()}>
          Reset sandbox…
        </button>
        <dialog ref={dialog} aria-labelledby="confirm-title">
          <h2 id="confirm-title">Reset the sandbox?</h2>
          <p>All data is deleted. This cannot be undone.</p>
          <form method="dialog" class="inline">
            <button type="submit" value="cancel">
              Cancel
            </button>
            <button type="button" class="danger" onClick={() => run(async () => (await post("/reset"), dialog.current?.close(), onChange()))}>
              Reset everything
            </button>
          </form>
        </dialog>
      </section>
      {error && <p role="alert" class="error">{error}</p>}
    </div>
  );
}
