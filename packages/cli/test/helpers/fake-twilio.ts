// A small Twilio-shaped server on 127.0.0.1 for the CLI's subprocess tests: records every request,
// stores messages (create, fetch, list with To/From filters and paging), and answers the error
// shapes Twilio uses. It stands in until the tests move to @twilio-kit/sandbox.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const ACCOUNT_SID = `AC${"a".repeat(32)}`;
export const AUTH_TOKEN = "test-auth-token-0123456789abcdef";
export const API_KEY = `SK${"b".repeat(32)}`;
export const API_SECRET = "test-api-secret-0123456789";

/** One recorded request. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

interface Message {
  sid: string;
  account_sid: string;
  to: string;
  from: string | null;
  body: string;
  status: string;
  messaging_service_sid: string | null;
  date_created: string;
  num_media: string;
  price: null;
  uri: string;
}

/** Options to shape answers. */
export interface FakeOptions {
  /** Called for every stored message before the answer goes out; may delay it or kill the client. */
  onCreateMessage?: (count: number) => void | Promise<void>;
}

export interface FakeTwilio {
  url: string;
  requests: RecordedRequest[];
  messages: Message[];
  close(): Promise<void>;
}

function hex(n: number): string {
  return n.toString(16).padStart(32, "0");
}

/** Starts the fake on an ephemeral port of 127.0.0.1. */
export async function startFakeTwilio(options: FakeOptions = {}): Promise<FakeTwilio> {
  const requests: RecordedRequest[] = [];
  const messages: Message[] = [];
  let counter = 0;
  let creates = 0;
  const validAuth = new Set([
    `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`,
    `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString("base64")}`,
  ]);

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const form = new URLSearchParams(req.headers["content-type"]?.includes("form") ? body : "");
    requests.push({ method: req.method ?? "GET", path: url.pathname, query: url.searchParams, form, headers: req.headers, body });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(payload === undefined ? "" : JSON.stringify(payload));
    };
    const error = (status: number, code: number, message: string) =>
      send(status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

    if (!validAuth.has(req.headers.authorization ?? "")) {
      return send(401, { code: 20003, detail: "Your AccountSid or AuthToken was incorrect.", message: "Authenticate", more_info: "https://www.twilio.com/docs/errors/20003", status: 401 });
    }
    const base = `/api/2010-04-01/Accounts/`;
    const v2010 = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : undefined;
    const [account, ...rest] = v2010?.split("/") ?? [];
    const resource = rest.join("/");

    if (v2010 && resource === "Messages.json" && req.method === "POST") {
      const to = form.get("To") ?? "";
      if (to === "+15005550001") return error(400, 21211, "The 'To' number +15005550001 is not a valid phone number.");
      if (to === "+15005550004") return error(400, 21610, "Attempt to send to unsubscribed recipient");
      if (!form.get("Body") && !form.get("MediaUrl")) return error(400, 21602, "Message body is required.");
      const sid = `SM${hex(++counter)}`;
      const message: Message = {
        sid,
        account_sid: account!,
        to,
        from: form.get("From"),
        body: form.get("Body") ?? "",
        status: "queued",
        messaging_service_sid: form.get("MessagingServiceSid"),
        date_created: new Date().toUTCString().replace("GMT", "+0000"),
        num_media: String(form.getAll("MediaUrl").length),
        price: null,
        uri: `/2010-04-01/Accounts/${account}/Messages/${sid}.json`,
      };
      messages.push(message);
      await options.onCreateMessage?.(++creates);
      return send(201, message);
    }
    const virtual = /^\+1990(\d{7})$/.exec(url.searchParams.get("To") ?? "");
    if (v2010 && resource === "Messages.json" && req.method === "GET" && virtual) {
      // `To=+1990NNNNNNN`: NNNNNNN generated messages, made page by page (streaming tests)
      const total = Number(virtual[1]);
      const pageSize = Number(url.searchParams.get("PageSize") ?? 50);
      const page = Number(url.searchParams.get("Page") ?? 0);
      const items = [];
      for (let i = page * pageSize; i < Math.min(total, (page + 1) * pageSize); i++) {
        items.push({ sid: `SM${hex(i + 1)}`, account_sid: account, to: url.searchParams.get("To"), from: "+15017122661", body: `generated message number ${i} ${"x".repeat(200)}`, status: "delivered" });
      }
      const next = new URLSearchParams(url.searchParams);
      next.set("Page", String(page + 1));
      return send(200, { messages: items, page, page_size: pageSize, next_page_uri: (page + 1) * pageSize < total ? `/2010-04-01/Accounts/${account}/Messages.json?${next}` : null });
    }
    if (v2010 && resource === "Messages.json" && req.method === "GET") {
      let list = [...messages].reverse().filter((m) => m.account_sid === account);
      const to = url.searchParams.get("To");
      const from = url.searchParams.get("From");
      if (to) list = list.filter((m) => m.to === to);
      if (from) list = list.filter((m) => m.from === from);
      const pageSize = Number(url.searchParams.get("PageSize") ?? 50);
      const page = Number(url.searchParams.get("Page") ?? 0);
      const items = list.slice(page * pageSize, (page + 1) * pageSize);
      const hasNext = (page + 1) * pageSize < list.length;
      const next = new URLSearchParams(url.searchParams);
      next.set("Page", String(page + 1));
      return send(200, {
        messages: items,
        page,
        page_size: pageSize,
        next_page_uri: hasNext ? `/2010-04-01/Accounts/${account}/Messages.json?${next}` : null,
        uri: `/2010-04-01/Accounts/${account}/Messages.json`,
      });
    }
    const fetchMatch = /^Messages\/(SM[0-9a-f]{32})\.json$/.exec(resource);
    if (v2010 && fetchMatch) {
      const message = messages.find((m) => m.sid === fetchMatch[1]);
      if (!message) return error(404, 20404, `The requested resource ${url.pathname} was not found`);
      if (req.method === "DELETE") return send(204, undefined);
      return send(200, message);
    }
    if (v2010 && resource === "IncomingPhoneNumbers.json") {
      const number = { sid: `PN${hex(1)}`, phone_number: "+15017122661", friendly_name: "Main", sms_url: "https://old.example.com/sms", voice_url: "" };
      const filter = url.searchParams.get("PhoneNumber");
      const items = !filter || number.phone_number.includes(filter) ? [number] : [];
      return send(200, { incoming_phone_numbers: items, next_page_uri: null, page: 0, page_size: 50 });
    }
    const pn = /^IncomingPhoneNumbers\/(PN[0-9a-f]{32})\.json$/.exec(resource);
    if (v2010 && pn && req.method === "POST") {
      return send(200, {
        sid: pn[1],
        phone_number: "+15017122661",
        friendly_name: "Main",
        sms_url: form.get("SmsUrl") ?? "https://old.example.com/sms",
        voice_url: form.get("VoiceUrl") ?? "",
      });
    }
    if (url.pathname === "/messaging/v1/Services") {
      // the newer domains' envelope: items under meta.key, absolute next_page_url
      const all = Array.from({ length: 7 }, (_, i) => ({ sid: `MG${hex(i + 1)}`, friendly_name: `Service ${i + 1}`, date_created: "2024-01-01T00:00:00Z", inbound_request_url: null }));
      const pageSize = Number(url.searchParams.get("PageSize") ?? 50);
      const page = Number(url.searchParams.get("Page") ?? 0);
      const items = all.slice(page * pageSize, (page + 1) * pageSize);
      const hasNext = (page + 1) * pageSize < all.length;
      return send(200, {
        services: items,
        meta: {
          key: "services",
          page,
          page_size: pageSize,
          next_page_url: hasNext ? `https://messaging.twilio.com/v1/Services?PageSize=${pageSize}&Page=${page + 1}` : null,
        },
      });
    }
    if (url.pathname === "/verify/v2/Services/VA" + hex(9) + "/Verifications" && req.method === "POST") {
      return send(201, { sid: `VE${hex(1)}`, service_sid: `VA${hex(9)}`, to: form.get("To"), channel: form.get("Channel"), status: "pending" });
    }
    if (url.pathname === "/_fail/server") return error(500, 20500, "Internal Server Error");
    return error(404, 20404, `The requested resource ${url.pathname} was not found`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messages,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
