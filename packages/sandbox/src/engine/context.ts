// What every resource handler gets: storage, clock, events, webhooks, SIDs and the paging helper.
import type { Clock } from "./clock.js";
import { badRequest } from "../http/errors.js";
import type { Events } from "./events.js";
import type { Doc, Kind, ListQuery, Store } from "./store.js";
import type { Params, SidFactory } from "./util.js";
import { first } from "./util.js";
import { pageParams } from "./page-params.js";
import type { WebhookSender } from "../outbound/webhook.js";

/** Delays of the simulated network, in virtual milliseconds. */
export interface Delays {
  /** queued → sending. */
  sendingMs: number;
  /** sending → sent. */
  sentMs: number;
  /** sent → delivered / undelivered. */
  deliveredMs: number;
  /** queued → ringing (the `initiated` event fires at once). */
  ringingMs: number;
  /** ringing → answered. */
  answerMs: number;
}

/** Default delays: quick enough for a demo, slow enough to watch statuses move. */
export const DEFAULT_DELAYS: Delays = { sendingMs: 100, sentMs: 400, deliveredMs: 1000, ringingMs: 1000, answerMs: 2000 };

/** The authenticated caller of a request. */
export interface Principal {
  /** The account whose credentials (or API key) were used. */
  accountSid: string;
  /** Set when an API key authenticated the request. */
  keySid?: string;
}

/** Shared state of one sandbox. */
export interface Context {
  store: Store;
  clock: Clock;
  events: Events;
  sid: SidFactory;
  send: WebhookSender;
  delays: Delays;
  /** The `seed` option: sandbox data drawn at random (SIDs, Lookup defaults) is reproducible from it. */
  seed?: string | undefined;
  /** Auth token of an account (webhooks are signed with the owning account's token). */
  authTokenOf(accountSid: string): string;
  /** Forgets cached credentials after accounts or keys change. */
  invalidateAuth(): void;
}

/** Removes internal `_` fields: what is left is exactly the wire object. */
export function toWire(doc: Doc): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in doc) if (key.charCodeAt(0) !== 95) out[key] = doc[key];
  return out;
}

/** What a list handler passes to `pageOf`. */
export interface PageRequest {
  kind: Kind;
  /** Path of the list resource, e.g. `/2010-04-01/Accounts/AC…/Messages.json`. */
  path: string;
  listKey: string;
  /** Filters as received (echoed into the page URIs). */
  filters: Record<string, string>;
  query: Omit<ListQuery, "limit" | "offset" | "afterSeq" | "beforeSeq">;
  map?: (doc: Doc) => Record<string, unknown>;
  /** `v2010` (default): `*_page_uri` fields; `meta`: the newer APIs' `meta` object with absolute URLs. */
  envelope?: "v2010" | "meta";
  /** Origin for `meta` URLs, e.g. `https://monitor.twilio.com`. */
  origin?: string;
  /** Error code of an out-of-range `Page`/`PageSize` (default 20001; Verify answers 60200). */
  invalidCode?: number;
}

/**
 * A v2010 page: `PageSize` (default 50, max 1000), `Page`, and `PageToken` (`PA{seq}` for the page
 * after a cursor, `PB{seq}` for the page before one), with `first_page_uri`/`next_page_uri`/`previous_page_uri`.
 * @throws SandboxHttpError 400 (21481) for a page token the sandbox did not issue, 400 for `Page`/`PageSize` out of range
 */
export function pageOf(store: Store, params: Params, request: PageRequest): Record<string, unknown> {
  const { page, pageSize } = pageParams(params, request.invalidCode);
  const token = first(params, "PageToken");
  let afterSeq: number | undefined;
  let beforeSeq: number | undefined;
  let offset = 0;
  if (token) {
    const match = /^P([AB])(\d{1,15})$/.exec(token);
    if (!match) throw badRequest(21481, `Invalid PageToken: ${token}`);
    if (match[1] === "A") afterSeq = Number(match[2]);
    else beforeSeq = Number(match[2]);
  } else {
    offset = page * pageSize;
  }
  const rows = store.list(request.kind, { ...request.query, limit: pageSize + 1, offset, afterSeq, beforeSeq });
  // one extra row tells whether a next page exists (or, walking backwards, a previous one)
  let hasMore = rows.length > pageSize;
  if (hasMore) {
    if (beforeSeq !== undefined) rows.shift();
    else rows.pop();
  }
  const hasNext = beforeSeq !== undefined ? true : hasMore;
  const hasPrevious = beforeSeq !== undefined ? hasMore : page > 0;
  const map = request.map ?? toWire;
  const base = (extra: Record<string, string>) => {
    const search = new URLSearchParams({ ...request.filters, PageSize: String(pageSize), ...extra });
    return `${request.path}?${search.toString()}`;
  };
  const firstSeq = rows[0]?.seq;
  const lastSeq = rows[rows.length - 1]?.seq;
  const start = page * pageSize;
  if (request.envelope === "meta") {
    const url = (extra: Record<string, string>) => `${request.origin ?? "https://api.twilio.com"}${base(extra)}`;
    return {
      [request.listKey]: rows.map((row) => map(row.doc)),
      meta: {
        page,
        page_size: pageSize,
        first_page_url: url({ Page: "0" }),
        previous_page_url: hasPrevious && firstSeq !== undefined ? url({ Page: String(Math.max(0, page - 1)), PageToken: `PB${firstSeq}` }) : null,
        url: url(token ? { Page: String(page), PageToken: token } : { Page: String(page) }),
        next_page_url: hasNext && lastSeq !== undefined ? url({ Page: String(page + 1), PageToken: `PA${lastSeq}` }) : null,
        key: request.listKey,
      },
    };
  }
  return {
    first_page_uri: base({ Page: "0" }),
    end: rows.length ? start + rows.length - 1 : 0,
    previous_page_uri: hasPrevious && firstSeq !== undefined ? base({ Page: String(Math.max(0, page - 1)), PageToken: `PB${firstSeq}` }) : null,
    [request.listKey]: rows.map((row) => map(row.doc)),
    uri: base(token ? { Page: String(page), PageToken: token } : { Page: String(page) }),
    page_size: pageSize,
    start,
    next_page_uri: hasNext && lastSeq !== undefined ? base({ Page: String(page + 1), PageToken: `PA${lastSeq}` }) : null,
    page,
  };
}
