// Sends one SMS with @twilio-kit/core and follows it to a final status through the status callbacks
// Twilio (or the sandbox) POSTs to a local node:http server, checking each callback's signature with
// @twilio-kit/webhooks. The same code runs against the sandbox and against real Twilio.
import { createServer } from "node:http";
import { parseMessageStatus } from "@twilio-kit/webhooks";
import { verifyNodeRequest } from "@twilio-kit/webhooks/node";

/** Statuses after which Twilio sends no more callbacks for a message. */
export const FINAL_STATUSES = ["delivered", "undelivered", "failed", "canceled", "read"];

/**
 * One step of a message's life.
 * @typedef {object} TimelineEntry
 * @property {string} status `queued`, `sent`, `delivered`, … exactly as Twilio spells it
 * @property {"api" | "callback"} source the REST response to the create, or a status callback
 * @property {boolean} signatureVerified true for callbacks whose X-Twilio-Signature was valid
 * @property {number} [errorCode] Twilio's `ErrorCode` on `undelivered`/`failed` (e.g. 30003)
 * @property {string} [url] the URL the callback's signature was checked against
 */

/**
 * @typedef {object} SendSmsOptions
 * @property {import("@twilio-kit/core").Twilio} twilio a client: `createTwilio()` or `sandbox.client()`
 * @property {string} authToken the account's auth token, to verify the callbacks
 * @property {string} from a number the account owns
 * @property {string} to the destination
 * @property {string} [body] the text (default "Hello from twilio-kit")
 * @property {string} [publicUrl] the public origin that reaches this process (an ngrok URL for real Twilio); default the local server's own URL
 * @property {number} [port] where the callback server listens (0, the default, picks a free port)
 * @property {string} [host] the callback server's interface (127.0.0.1)
 * @property {(message: { sid: string, status: string }) => unknown} [afterSend] runs once the API accepted the message; tests advance the sandbox's manual clock here
 * @property {(entry: TimelineEntry) => void} [onEntry] sees each step as it happens (main.js prints them live)
 * @property {number} [timeoutMs] give up waiting for a final status after this long (120 000)
 */

/**
 * Sends an SMS and resolves with its timeline once a final status arrived by callback.
 * @param {SendSmsOptions} options
 * @returns {Promise<{ sid: string, timeline: TimelineEntry[] }>}
 * @throws Error when a callback fails signature validation (a wrong `publicUrl`, most of the time) or no final status arrives in time.
 * @example
 * const { timeline } = await runSendSms({ twilio, authToken, from: "+15555550100", to: "+15558675310" });
 */
export async function runSendSms(options) {
  const { twilio, from, to, body = "Hello from twilio-kit", afterSend, onEntry, timeoutMs = 120_000 } = options;
  const receiver = await listenForStatusCallbacks(options);
  try {
    const message = await twilio.messages.create({ To: to, From: from, Body: body, StatusCallback: `${receiver.publicUrl}/status` });
    const sid = /** @type {string} */ (message.sid);
    const queued = { status: String(message.status), source: /** @type {const} */ ("api"), signatureVerified: false };
    receiver.timeline.push(queued);
    onEntry?.(queued);
    receiver.track(sid, onEntry);
    await afterSend?.({ sid, status: queued.status });
    await receiver.final(timeoutMs);
    return { sid, timeline: receiver.timeline };
  } finally {
    await receiver.close();
  }
}

/**
 * A node:http server that accepts signed status callbacks on `POST /status`.
 * @param {Pick<SendSmsOptions, "authToken" | "publicUrl" | "port" | "host">} options
 */
async function listenForStatusCallbacks({ authToken, publicUrl, port = 0, host = "127.0.0.1" }) {
  /** @type {TimelineEntry[]} */
  const timeline = [];
  /** @type {string | undefined} */
  let trackedSid;
  /** @type {((entry: TimelineEntry) => void) | undefined} */
  let notify;
  /** @type {(value?: unknown) => void} */
  let settle = () => {};
  /** @type {(error: Error) => void} */
  let fail = () => {};
  const done = new Promise((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  // A rejection may come before anyone awaits `final()`; it is seen there, not as an unhandled one.
  done.catch(() => {});
  // Callbacks can arrive before `track` when the network is fast; keep them until then.
  /** @type {Array<{ sid: string, entry: TimelineEntry }>} */
  const early = [];

  /** @param {{ sid: string, entry: TimelineEntry }} item */
  const record = ({ sid, entry }) => {
    if (sid !== trackedSid) return;
    timeline.push(entry);
    notify?.(entry);
    if (FINAL_STATUSES.includes(entry.status)) settle();
  };

  /** @param {import("node:http").IncomingMessage} request @param {import("node:http").ServerResponse} response */
  const handle = async (request, response) => {
    if (request.method !== "POST" || new URL(request.url ?? "/", "http://x").pathname !== "/status") {
      response.writeHead(404).end();
      return;
    }
    // Signed over the URL Twilio called: behind a tunnel that is the public one, not 127.0.0.1.
    const verdict = await verifyNodeRequest(request, { authToken, baseUrl: publicUrl });
    if (!verdict.ok) {
      // A client that went away mid-body gets nothing (its socket is gone) and is no reason to stop.
      if (verdict.reason === "request_aborted") return;
      response.writeHead(verdict.status, { "content-type": "text/plain" }).end("Twilio request validation failed.");
      // Only a signature that does not match says the run is misconfigured; an oversized or unsigned
      // request from someone else is refused and forgotten.
      if (verdict.status === 403) {
        fail(new Error(`a status callback failed signature validation (${verdict.reason}) for ${verdict.url}: check the auth token, and that the public URL is the one Twilio calls`));
      }
      return;
    }
    const status = parseMessageStatus(verdict.params);
    /** @type {TimelineEntry} */
    const entry = { status: status.MessageStatus, source: "callback", signatureVerified: true, url: verdict.url };
    if (status.ErrorCode !== undefined) entry.errorCode = status.ErrorCode;
    const item = { sid: status.MessageSid, entry };
    if (trackedSid === undefined) early.push(item);
    else record(item);
    // An empty 204 is all Twilio needs; anything but 2xx would raise an 11200 alert.
    response.writeHead(204).end();
  };
  // node:http ignores the handler's promise: a rejection there would be unhandled and end the process.
  const server = createServer((request, response) => {
    handle(request, response).catch((/** @type {unknown} */ error) => {
      if (!response.headersSent) response.writeHead(500).end();
      fail(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise((resolve) => server.listen(port, host, () => resolve(undefined)));
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  const origin = (publicUrl ?? `http://${host}:${address.port}`).replace(/\/+$/, "");

  return {
    publicUrl: origin,
    timeline,
    /** @param {string} sid @param {((entry: TimelineEntry) => void) | undefined} onEntry */
    track(sid, onEntry) {
      trackedSid = sid;
      notify = onEntry;
      for (const item of early.splice(0)) record(item);
    },
    /** @param {number} timeoutMs */
    async final(timeoutMs) {
      /** @type {NodeJS.Timeout | undefined} */
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no final status within ${timeoutMs} ms; last: ${timeline.at(-1)?.status}`)), timeoutMs);
      });
      try {
        await Promise.race([done, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      return new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/**
 * The timeline as readable lines: `queued  (API response)`, `sent  callback, signature verified`.
 * @param {TimelineEntry[]} timeline
 * @returns {string[]}
 */
export function formatTimeline(timeline) {
  return timeline.map((entry) => {
    const how = entry.source === "api" ? "API response to the create" : `status callback, signature ${entry.signatureVerified ? "verified" : "NOT verified"}`;
    const error = entry.errorCode === undefined ? "" : ` (error ${entry.errorCode})`;
    return `${entry.status.padEnd(11)} ${how}${error}`;
  });
}
