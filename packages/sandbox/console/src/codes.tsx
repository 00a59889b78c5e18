// Verify codes sent to a handset, shown as the SMS the person would read.
import { useEffect, useMemo, useState } from "preact/hooks";
import { get } from "./api.js";
import { debounce, useLive } from "./live.js";
import { time } from "./format.js";

interface Code {
  to: string;
  channel: string;
  code: string;
  status: string;
  serviceSid: string;
  verificationSid: string;
  dateCreated: string;
}

/** The newest Verify codes sent to `handset` (nothing when there are none). */
export function VerifyCodes({ handset }: { handset: string }) {
  const [codes, setCodes] = useState<Code[]>([]);
  const load = () => get<{ codes: Code[] }>("/verify/codes", { To: handset, limit: 5 }).then((r) => setCodes(r.codes), () => undefined);
  const reload = useMemo(() => debounce(() => void load(), 100), [handset]);
  useEffect(() => void load(), [handset]);
  useLive(
    (event) => {
      if (event.type === "reset" || event.type === "resync" || ((event.type === "verify.code" || event.type === "verify.status") && (event.to === handset || event.type === "verify.status"))) reload();
    },
    [handset],
  );
  if (codes.length === 0) return null;
  return (
    <section class="thread" aria-label="Verification codes">
      <ol class="bubbles" aria-label="Verification codes">
        {[...codes].reverse().map((c) => (
          <li key={c.verificationSid + c.code} class="bubble theirs" aria-label={`Verification code ${c.code}`}>
            <p class="text">Your verification code is: {c.code}</p>
            <p class="meta">
              <time dateTime={c.dateCreated}>{time(c.dateCreated)}</time> · Verify {c.channel} · {c.status}
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
