// A phone's messaging thread with one account number: bubbles with live status, paged backwards,
// and a composer that sends an inbound SMS/MMS from the handset (the app's webhook runs).
import { segments } from "@twilio-kit/core/segments";
import { useEffect, useMemo, useState } from "preact/hooks";
import { get, post, type Bubble } from "./api.js";
import { debounce, useLive } from "./live.js";
import { errorLink, time } from "./format.js";

const PAGE = 50;

/** The thread between `handset` and `number`. */
export function Thread({ handset, number }: { handset: string; number: string }) {
  const [messages, setMessages] = useState<Bubble[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const load = () =>
    get<{ messages: Bubble[]; next: number | null }>("/console/thread", { handset, number, limit: PAGE }).then((page) => {
      // keep the older pages already loaded, replace the newest one
      setMessages((old) => {
        const oldest = page.messages.length ? page.messages[page.messages.length - 1]!.seq : Infinity;
        return [...page.messages, ...old.filter((m) => m.seq < oldest)];
      });
      setNext((current) => (current === null || page.next === null ? page.next : Math.min(current, page.next)));
    });
  const reload = useMemo(() => debounce(() => void load(), 100), [handset, number]);
  useEffect(() => {
    setMessages([]);
    setNext(null);
    void load();
  }, [handset, number]);
  useLive(
    (event) => {
      if (event.type === "reset") setMessages([]);
      const party = (event.to === handset && event.from === number) || (event.to === number && event.from === handset);
      if (event.type === "resync" || event.type === "reset" || (party && event.type.startsWith("message."))) reload();
    },
    [handset, number],
  );
  const older = async () => {
    if (next === null) return;
    const page = await get<{ messages: Bubble[]; next: number | null }>("/console/thread", { handset, number, limit: PAGE, before: next });
    setMessages((old) => [...old, ...page.messages]);
    setNext(page.next);
  };
  const shown = [...messages].reverse();
  return (
    <section class="thread" aria-label={`Messages with ${number}`}>
      {next !== null && (
        <button type="button" class="link" onClick={older}>
          Load older messages
        </button>
      )}
      {shown.length === 0 ? (
        <p class="empty">No messages with {number} yet.</p>
      ) : (
        <ol class="bubbles" aria-label="Messages" aria-live="polite">
          {shown.map((m) => (
            <li key={m.sid} class={m.from === handset ? "bubble mine" : "bubble theirs"} aria-label={`${m.from === handset ? "Sent" : "Received"}: ${m.body}`}>
              <p class="text">{m.body || <em>(no text)</em>}</p>
              {m.numMedia > 0 && (
                <ul class="media" aria-label="Media">
                  {m.media.map((media) => (
                    <li key={media.url}>
                      <a href={media.url} target="_blank" rel="noreferrer">
                        {media.contentType} {media.url}
                      </a>
                    </li>
                  ))}
                  {m.numMedia > m.media.length && <li>{m.numMedia - m.media.length} more</li>}
                </ul>
              )}
              <p class="meta">
                <time dateTime={m.dateCreated}>{time(m.dateCreated)}</time> · <span class={`status status-${m.status}`}>{m.status}</span>
                {m.errorCode !== null && (
                  <>
                    {" "}
                    <a href={errorLink(m.errorCode)} target="_blank" rel="noreferrer">
                      error {m.errorCode}
                    </a>
                  </>
                )}
              </p>
            </li>
          ))}
        </ol>
      )}
      <Composer handset={handset} number={number} />
    </section>
  );
}

function Composer({ handset, number }: { handset: string; number: string }) {
  const [body, setBody] = useState("");
  const [media, setMedia] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const send = async (e: Event) => {
    e.preventDefault();
    if (!body.trim() && !media.trim()) return setError("Write a message or add a media URL");
    setBusy(true);
    try {
      await post("/messages/inbound", { From: handset, To: number, Body: body, MediaUrl: media.trim() ? [media.trim()] : [] });
      setBody("");
      setMedia("");
      setError("");
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="composer" onSubmit={send}>
      <label class="grow">
        <span class="sr-only">Message to {number}</span>
        <textarea rows={2} value={body} placeholder="Text message" aria-label={`Message to ${number}`} onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)} onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey) void send(e);
        }} />
      </label>
      <label>
        <span class="sr-only">Media URL (MMS)</span>
        <input type="url" value={media} placeholder="Media URL (MMS)" aria-label="Media URL (MMS)" onInput={(e) => setMedia((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit" disabled={busy}>
        Send
      </button>
      {body && <SegmentCount body={body} />}
      {error && <p role="alert" class="error">{error}</p>}
    </form>
  );
}

/** What the message costs as Twilio counts it: encoding, segments and room left in the last one. */
function SegmentCount({ body }: { body: string }) {
  const count = segments(body);
  const nonGsm = count.nonGsmCharacters.length ? ` (not GSM-7: ${count.nonGsmCharacters.join(" ")})` : "";
  return (
    <p class="segments" role="status" aria-label="Segments">
      {count.encoding}
      {nonGsm} · {count.segments} {count.segments === 1 ? "segment" : "segments"} · {count.charactersLeftInSegment} left
    </p>
  );
}
