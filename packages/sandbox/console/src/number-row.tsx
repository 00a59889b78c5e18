// One owned number in the account view, with its webhook URLs editable in place. Saving goes through
// the sandbox's own REST API (same origin, the account's credentials), exactly as an app would
// update a number on Twilio: IncomingPhoneNumbers/{Sid}.json with SmsUrl and VoiceUrl.
import { useState } from "preact/hooks";
import type { Info, OwnedNumber } from "./api.js";

async function updateNumber(info: Info, number: OwnedNumber, urls: { SmsUrl: string; VoiceUrl: string }): Promise<void> {
  const response = await fetch(`/api/2010-04-01/Accounts/${number.accountSid}/IncomingPhoneNumbers/${number.sid}.json`, {
    method: "POST",
    headers: { Authorization: `Basic ${btoa(`${info.accountSid}:${info.authToken}`)}`, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: new URLSearchParams(urls),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string; code?: number };
    throw new Error(`${body.message ?? `HTTP ${response.status}`}${body.code ? ` (${body.code})` : ""}`);
  }
}

/** A table row for `number`; "Edit webhooks" turns its URLs into a form. */
export function NumberRow({ info, number, onSaved }: { info: Info; number: OwnedNumber; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [smsUrl, setSmsUrl] = useState(number.smsUrl ?? "");
  const [voiceUrl, setVoiceUrl] = useState(number.voiceUrl ?? "");
  const [error, setError] = useState("");
  const save = async (e: Event) => {
    e.preventDefault();
    // Twilio takes http(s) URLs only; said here rather than as a 400 in the browser's console
    const bad = [["SmsUrl", smsUrl], ["VoiceUrl", voiceUrl]].find(([, url]) => url!.trim() !== "" && !/^https?:\/\/[^\s]+$/i.test(url!.trim()));
    if (bad) return setError(`${bad[0]} must be an http:// or https:// URL`);
    try {
      await updateNumber(info, number, { SmsUrl: smsUrl.trim(), VoiceUrl: voiceUrl.trim() });
      setError("");
      setEditing(false);
      onSaved();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  if (!editing) {
    return (
      <tr>
        <th scope="row" class="mono">
          {number.phoneNumber}
        </th>
        <td class="mono">{number.smsUrl || "—"}</td>
        <td class="mono">{number.voiceUrl || "—"}</td>
        <td>
          <button type="button" aria-label={`Edit webhooks of ${number.phoneNumber}`} onClick={() => setEditing(true)}>
            Edit
          </button>
        </td>
      </tr>
    );
  }
  return (
    <tr>
      <th scope="row" class="mono">
        {number.phoneNumber}
      </th>
      <td colSpan={3}>
        <form class="inline" onSubmit={save} aria-label={`Webhooks of ${number.phoneNumber}`}>
          <label>
            SmsUrl
            <input type="url" value={smsUrl} onInput={(e) => setSmsUrl((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            VoiceUrl
            <input type="url" value={voiceUrl} onInput={(e) => setVoiceUrl((e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit">Save</button>
          <button type="button" onClick={() => (setEditing(false), setError(""))}>
            Cancel
          </button>
          {error && (
            <p role="alert" class="error">
              {error}
            </p>
          )}
        </form>
      </td>
    </tr>
  );
}
