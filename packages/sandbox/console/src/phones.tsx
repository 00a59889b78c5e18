// Phones: the handsets (external numbers) seen in traffic plus ones the user adds; each opens a
// phone with a messaging thread per account number, and a call screen.
import { useEffect, useMemo, useState } from "preact/hooks";
import { get, type Handset, type Info, type OwnedNumber } from "./api.js";
import { debounce, useLive } from "./live.js";
import { Thread } from "./thread.js";
import { CallScreen } from "./call.js";
import { VerifyCodes } from "./codes.js";

const E164 = /^\+[1-9]\d{6,14}$/;

/** The handset list and the selected phone. */
export function Phones({ info }: { info: Info | undefined }) {
  const [handsets, setHandsets] = useState<Handset[]>([]);
  const [numbers, setNumbers] = useState<OwnedNumber[]>([]);
  const [added, setAdded] = useState<string[]>([]);
  const [selected, setSelected] = useState<string | undefined>();
  const [number, setNumber] = useState<string | undefined>();
  const load = () =>
    get<{ handsets: Handset[]; numbers: OwnedNumber[] }>("/console/overview").then((overview) => {
      setHandsets(overview.handsets);
      setNumbers(overview.numbers);
    });
  const reload = useMemo(() => debounce(() => void load(), 300), []);
  useEffect(() => void load(), []);
  useLive((event) => {
    if (event.type === "reset") (setAdded([]), setSelected(undefined));
    if (["message.created", "call.created", "reset", "resync"].includes(event.type)) reload();
  }, []);
  const all = [...added.filter((n) => !handsets.some((h) => h.number === n)).map((n) => ({ number: n, lastAt: 0, last: "" })), ...handsets];
  const to = number ?? numbers[0]?.phoneNumber ?? info?.phoneNumber;
  return (
    <div class="phones">
      <section class="handsets" aria-labelledby="handsets-title">
        <h2 id="handsets-title">Handsets</h2>
        <NewHandset onAdd={(n) => (setAdded((list) => (list.includes(n) ? list : [n, ...list])), setSelected(n))} />
        {all.length === 0 ? (
          <p class="empty">No handset yet: add one, or send a message from your app.</p>
        ) : (
          <ul class="list">
            {all.map((handset) => (
              <li key={handset.number}>
                <button type="button" class="row" aria-pressed={selected === handset.number} onClick={() => setSelected(handset.number)}>
                  <span class="strong">{handset.number}</span>
                  {handset.last && <span class="muted">{handset.last}</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {selected && to ? (
        <section class="phone" aria-label={`Phone ${selected}`}>
          <header class="phone-head">
            <h2>{selected}</h2>
            <label>
              Conversation with{" "}
              <select value={to} onChange={(e) => setNumber((e.target as HTMLSelectElement).value)}>
                {numbers.map((n) => (
                  <option key={n.sid} value={n.phoneNumber}>
                    {n.phoneNumber} {n.friendlyName}
                  </option>
                ))}
              </select>
            </label>
          </header>
          <VerifyCodes handset={selected} />
          <Thread handset={selected} number={to} />
          <CallScreen handset={selected} number={to} />
        </section>
      ) : (
        <p class="empty phone-empty">Choose a handset to see its messages and calls.</p>
      )}
    </div>
  );
}

function NewHandset({ onAdd }: { onAdd: (number: string) => void }) {
  const [value, setValue] = useState("");
  const [error, setError] = useState("");
  return (
    <form
      class="inline"
      onSubmit={(e) => {
        e.preventDefault();
        const number = value.trim().replace(/[\s()-]/g, "");
        if (!E164.test(number)) return setError("Use E.164, like +15551234567");
        setError("");
        setValue("");
        onAdd(number);
      }}
    >
      <label>
        New handset number
        <input type="tel" value={value} placeholder="+15551234567" onInput={(e) => setValue((e.target as HTMLInputElement).value)} aria-invalid={error ? true : undefined} aria-describedby={error ? "handset-error" : undefined} />
      </label>
      <button type="submit">Add handset</button>
      {error && <p id="handset-error" class="error">{error}</p>}
    </form>
  );
}
