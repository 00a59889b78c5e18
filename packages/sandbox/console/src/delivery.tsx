// One webhook delivery in detail: what the sandbox sent, whether its signature checks out, what the
// app answered, the alerts it raised; and a replay button.
import { useEffect, useState } from "preact/hooks";
import { post, type Alert, type Delivery, type Info } from "./api.js";
import { errorLink, outcome, prettyXml, time } from "./format.js";
import { expectedSignature } from "./signature.js";

/** The detail panel of a delivery. */
export function DeliveryDetail({ delivery, info, alerts, onReplayed }: { delivery: Delivery; info: Info | undefined; alerts: Alert[]; onReplayed: (d: Delivery) => void }) {
  const [verdict, setVerdict] = useState("");
  const [replayError, setReplayError] = useState("");
  useEffect(() => {
    setVerdict("");
    if (!info) return;
    const params = delivery.method === "GET" ? {} : delivery.params;
    // only the default account's token is known to the page; other accounts are not checked
    if ((delivery.params.AccountSid ?? info.accountSid) !== info.accountSid) return setVerdict("Not checked: another account's token");
    expectedSignature(info.authToken, delivery.signedUrl, params).then(
      (expected) => setVerdict(expected === delivery.signature ? "Valid: made with the account's auth token" : "Invalid for the current auth token"),
      () => setVerdict("Not checked: Web Crypto unavailable"),
    );
  }, [delivery.id, info?.authToken]);
  const replay = async () => {
    try {
      setReplayError("");
      onReplayed(await post<Delivery>("/console/webhooks/replay", { id: delivery.id, ref: delivery.ref }));
    } catch (err) {
      setReplayError((err as Error).message);
    }
  };
  const isXml = /xml/i.test(delivery.contentType ?? "") || delivery.body.trim().startsWith("<");
  return (
    <section class="detail" aria-labelledby="delivery-title">
      <h2 id="delivery-title">
        {delivery.kind} webhook {delivery.replayOf !== undefined && <span class="muted">(replay of #{delivery.replayOf})</span>}
      </h2>
      <button type="button" onClick={replay}>
        Replay webhook
      </button>
      {replayError && <p role="alert" class="error">{replayError}</p>}
      <h3>Request</h3>
      <dl class="facts">
        <dt>Time</dt>
        <dd>{time(delivery.at)}</dd>
        <dt>Request</dt>
        <dd class="mono">
          {delivery.method} {delivery.url}
        </dd>
        <dt>Resource</dt>
        <dd class="mono">{delivery.ref}</dd>
        <dt>X-Twilio-Signature</dt>
        <dd class="mono">{delivery.signature}</dd>
        <dt>Signed URL</dt>
        <dd class="mono">{delivery.signedUrl}</dd>
        <dt>Signature check</dt>
        <dd>{verdict || "Checking…"}</dd>
        <dt>I-Twilio-Idempotency-Token</dt>
        <dd class="mono">{delivery.idempotencyToken}</dd>
      </dl>
      <table class="params">
        <caption>Parameters</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {Object.keys(delivery.params)
            .sort()
            .map((name) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td class="mono">{delivery.params[name]}</td>
              </tr>
            ))}
        </tbody>
      </table>
      <h3>Your app's answer</h3>
      <dl class="facts">
        <dt>Status</dt>
        <dd>{outcome(delivery.status, delivery.error)}</dd>
        <dt>Latency</dt>
        <dd>{delivery.latencyMs} ms</dd>
        <dt>Content-Type</dt>
        <dd class="mono">{delivery.contentType ?? "none"}</dd>
      </dl>
      <pre class="body" aria-label="Response body" tabIndex={0}>
        {delivery.body ? (isXml ? prettyXml(delivery.body) : delivery.body) : "(empty)"}
      </pre>
      {alerts.length > 0 && (
        <>
          <h3>Alerts</h3>
          <ul class="alerts">
            {alerts.map((alert) => (
              <li key={alert.sid}>
                <a href={errorLink(alert.error_code)} target="_blank" rel="noreferrer">
                  Error {alert.error_code}
                </a>{" "}
                {alert.alert_text}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
