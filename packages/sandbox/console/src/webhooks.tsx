// The webhooks inspector: every delivery the sandbox made to the app, newest first, with its
// request (URL, method, params, signature and the URL it covers), the app's answer and the alerts
// it raised; filter by kind, SID and outcome; replay a delivery.
import { useEffect, useMemo, useState } from "preact/hooks";
import { get, type Alert, type Delivery, type Info } from "./api.js";
import { debounce, useLive } from "./live.js";
import { outcome, time } from "./format.js";
import { DeliveryDetail } from "./delivery.js";

/** Deliveries kept in the list (the newest); older ones are reached by filtering on a SID. */
const LIMIT = 200;
type StatusFilter = "all" | "ok" | "error";

function isOk(delivery: Delivery): boolean {
  return delivery.status !== null && delivery.status < 400;
}

/** The inspector view. */
export function Webhooks({ info }: { info: Info | undefined }) {
  const [deliveries, setDeliveries] = useState<Delivery[]>([]);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [kind, setKind] = useState("");
  const [sid, setSid] = useState("");
  const [status, setStatus] = useState<StatusFilter>("all");
  const [openId, setOpenId] = useState<number | undefined>();
  const load = () =>
    Promise.all([get<{ webhooks: Delivery[] }>("/webhooks", { limit: LIMIT, sid: sid.trim() || undefined }), get<{ alerts: Alert[] }>("/alerts", { limit: 1000 })]).then(([w, a]) => {
      setDeliveries(w.webhooks.reverse());
      setAlerts(a.alerts);
    });
  const reload = useMemo(() => debounce(() => void load(), 200), [sid]);
  useEffect(() => void load(), [sid]);
  useLive((event) => {
    if (["webhook", "alert", "reset", "resync"].includes(event.type)) reload();
  }, [sid]);
  const kinds = [...new Set(deliveries.map((d) => d.kind))].sort();
  const shown = deliveries.filter((d) => (!kind || d.kind === kind) && (status === "all" || (status === "ok") === isOk(d)));
  const open = deliveries.find((d) => d.id === openId);
  return (
    <div class="inspector">
      <section aria-labelledby="webhooks-title" class="deliveries">
        <h2 id="webhooks-title">Webhooks</h2>
        <form class="filters" role="search" aria-label="Filter webhooks" onSubmit={(e) => e.preventDefault()}>
          <label>
            Kind
            <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
              <option value="">All kinds</option>
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <label>
            SID
            <input value={sid} placeholder="SM…, CA…" onChange={(e) => setSid((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            Outcome
            <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value as StatusFilter)}>
              <option value="all">All outcomes</option>
              <option value="ok">Answered (below 400)</option>
              <option value="error">Failed or 4xx/5xx</option>
            </select>
          </label>
        </form>
        {shown.length === 0 ? (
          <p class="empty">No webhook yet. Point a number's SmsUrl or VoiceUrl at your app and send it a message.</p>
        ) : (
          <ul class="list" aria-label="Deliveries">
            {shown.map((d) => (
              <li key={d.id}>
                <button type="button" class="row" aria-pressed={openId === d.id} onClick={() => setOpenId(d.id)} aria-label={`${d.kind} ${d.method} ${d.url} ${outcome(d.status, d.error)}`}>
                  <span class={`pill ${isOk(d) ? "ok" : "bad"}`}>{outcome(d.status, d.error)}</span>
                  <span class="strong">{d.kind}</span>
                  <span class="muted ellipsis">
                    {d.method} {d.url}
                  </span>
                  <time class="muted">{time(d.at)}</time>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {open ? <DeliveryDetail delivery={open} info={info} alerts={alerts.filter((a) => a.resource_sid === open.ref)} onReplayed={(d) => setOpenId(d.id)} /> : <p class="empty">Choose a delivery to see its request and your app's answer.</p>}
    </div>
  );
}
