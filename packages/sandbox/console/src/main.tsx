// The sandbox console: phones, webhooks inspector, account and clock, all on one page.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { get, type Info } from "./api.js";
import { connect, useLive, useLiveState } from "./live.js";
import { Phones } from "./phones.js";
import { Webhooks } from "./webhooks.js";
import { Account } from "./account.js";

type View = "phones" | "webhooks" | "account";
const VIEWS: Array<{ id: View; label: string }> = [
  { id: "phones", label: "Phones" },
  { id: "webhooks", label: "Webhooks" },
  { id: "account", label: "Account & clock" },
];

function viewFromHash(): View {
  const id = location.hash.slice(1);
  return VIEWS.some((view) => view.id === id) ? (id as View) : "phones";
}

function App() {
  const [view, setView] = useState<View>(viewFromHash());
  const [info, setInfo] = useState<Info | undefined>();
  const [error, setError] = useState("");
  const live = useLiveState();
  const loadInfo = () => get<Info>("/info").then(setInfo, (e: Error) => setError(e.message));
  useEffect(() => {
    connect();
    void loadInfo();
    const onHash = () => setView(viewFromHash());
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  useLive((event) => {
    if (event.type === "reset" || event.type === "resync") void loadInfo();
  }, []);
  return (
    <>
      <header class="top">
        <h1>Twilio sandbox</h1>
        <nav aria-label="Console sections">
          <ul>
            {VIEWS.map((item) => (
              <li key={item.id}>
                <a href={`#${item.id}`} aria-current={view === item.id ? "page" : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <p class={`live live-${live}`} role="status">
          {live === "live" ? "Live" : live === "connecting" ? "Connecting…" : "Reconnecting…"}
        </p>
      </header>
      {error && <p role="alert">{error}</p>}
      <main>
        {view === "phones" && <Phones info={info} />}
        {view === "webhooks" && <Webhooks info={info} />}
        {view === "account" && <Account info={info} onChange={() => void loadInfo()} />}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
