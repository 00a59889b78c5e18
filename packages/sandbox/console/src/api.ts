// The console's only way out: same-origin requests to the control API. State changes send JSON,
// which the sandbox requires of control writes (a cross-site form cannot send it).

/** A control API error with the sandbox's message. */
export class ControlError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  const body = text ? JSON.parse(text) : {};
  if (!response.ok) throw new ControlError(response.status, body.message ?? `HTTP ${response.status}`);
  return body as T;
}

/** GET a control route (path relative to /_sandbox). */
export async function get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== "") search.set(name, String(value));
  const qs = search.toString();
  return answer<T>(await fetch(`/_sandbox${path}${qs ? `?${qs}` : ""}`, { headers: { Accept: "application/json" } }));
}

/** POST JSON to a control route (path relative to /_sandbox). */
export async function post<T>(path: string, body: unknown = {}): Promise<T> {
  return answer<T>(await fetch(`/_sandbox${path}`, { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) }));
}

/** What GET /_sandbox/info answers. */
export interface Info {
  url: string;
  accountSid: string;
  authToken: string;
  phoneNumber: string;
  clock: { mode: "real" | "manual"; now: number };
}

/** An owned number with its webhook URLs. */
export interface OwnedNumber {
  sid: string;
  accountSid: string;
  phoneNumber: string;
  friendlyName: string;
  smsUrl: string | null;
  voiceUrl: string | null;
  statusCallback: string | null;
}

/** An external number seen in traffic. */
export interface Handset {
  number: string;
  lastAt: number;
  last: string;
}

/** A message as a bubble. */
export interface Bubble {
  seq: number;
  sid: string;
  from: string;
  to: string;
  body: string;
  status: string;
  direction: string;
  errorCode: number | null;
  numMedia: number;
  /** Up to 10 media of an MMS: their URLs, linked, never fetched by the console. */
  media: Array<{ url: string; contentType: string }>;
  dateCreated: string;
}

/** A logged webhook delivery. */
export interface Delivery {
  id: number;
  kind: string;
  ref: string;
  at: number;
  method: string;
  url: string;
  signedUrl: string;
  params: Record<string, string>;
  signature: string;
  idempotencyToken: string;
  status: number | null;
  contentType: string | null;
  body: string;
  latencyMs: number;
  error: string | null;
  replayOf?: number;
}

/** A debugger alert. */
export interface Alert {
  sid: string;
  error_code: string;
  alert_text: string;
  resource_sid: string;
  request_url: string;
  date_created: string;
}

/** A line of what a caller hears or does. */
export interface TranscriptEntry {
  at: number;
  [key: string]: unknown;
}
