// The console's HTTP side without a browser: the page and its assets at the root, the read routes
// under /_sandbox/console/ (paging, bounds, errors) and the replay of a logged webhook.
import { createServer, get, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHandle } from "../../src/index.js";
import { ensureConsoleBuilt } from "./browser.js";

let sandbox: SandboxHandle;
let app: Server;
let appUrl: string;
const received: Array<{ token: string; signature: string }> = [];

beforeAll(async () => {
  ensureConsoleBuilt();
  sandbox = await startSandbox({ clock: "manual" });
  app = createServer((req, res) => {
    received.push({ token: String(req.headers["i-twilio-idempotency-token"]), signature: String(req.headers["x-twilio-signature"]) });
    req.resume();
    res.writeHead(200, { "Content-Type": "text/xml" }).end("<Response/>");
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/sms`;
});
afterAll(async () => {
  await sandbox.stop();
  app.close();
});

const json = (path: string, body?: unknown) =>
  fetch(`${sandbox.url}${path}`, body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

describe("the console's HTTP side", () => {
  it("serves the page at / with a same-origin-only policy, and its assets", async () => {
    const page = await fetch(`${sandbox.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toContain("connect-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="/console/app.js">');
    const script = await fetch(`${sandbox.url}/console/app.js`);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect((await fetch(`${sandbox.url}/console/app.css`)).status).toBe(200);
    expect(sandbox.consoleUrl).toBe(`${sandbox.url}/`);
  });

  it("serves only its fixed files (no path reaches the file system) and leaves the API routes alone", async () => {
    expect((await fetch(`${sandbox.url}/console/../package.json`)).status).toBe(404);
    expect((await fetch(`${sandbox.url}/console/index.ts`)).status).toBe(404);
    expect((await fetch(`${sandbox.url}/_sandbox/`)).headers.get("content-type")).toMatch(/^application\/json/);
    expect((await fetch(`${sandbox.url}/`, { method: "POST" })).status).not.toBe(200);
  });

  it("pages a thread backwards, both directions in one order, and names its bad parameters", async () => {
    sandbox.sandbox.reset();
    const handset = "+15551230077";
    for (let i = 0; i < 7; i++) await sandbox.inboundSms({ from: handset, to: sandbox.phoneNumber, body: `in ${i}` });
    const twilio = await sandbox.client();
    for (let i = 0; i < 3; i++) await twilio.messages.create({ To: handset, From: sandbox.phoneNumber, Body: `out ${i}` });
    const seen: string[] = [];
    let before: number | null | undefined;
    do {
      const query = new URLSearchParams({ handset, number: sandbox.phoneNumber, limit: "4", ...(before ? { before: String(before) } : {}) });
      const page = (await (await fetch(`${sandbox.url}/_sandbox/console/thread?${query}`)).json()) as { messages: Array<{ body: string }>; next: number | null };
      expect(page.messages.length).toBeLessThanOrEqual(4);
      seen.push(...page.messages.map((m) => m.body));
      before = page.next;
    } while (before);
    expect(seen).toEqual(["out 2", "out 1", "out 0", "in 6", "in 5", "in 4", "in 3", "in 2", "in 1", "in 0"]);
    const bad = await fetch(`${sandbox.url}/_sandbox/console/thread?handset=${encodeURIComponent(handset)}&number=x&limit=5000`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain("limit");
    expect((await fetch(`${sandbox.url}/_sandbox/console/thread?number=x`)).status).toBe(400);
  });

  it("lists handsets from traffic, newest first, without the account's own numbers", async () => {
    sandbox.sandbox.reset();
    await sandbox.inboundSms({ from: "+15551230001", to: sandbox.phoneNumber, body: "first" });
    await sandbox.inboundSms({ from: "+15551230002", to: sandbox.phoneNumber, body: "second" });
    await sandbox.advance(1000);
    await sandbox.inboundSms({ from: "+15551230001", to: sandbox.phoneNumber, body: "third" });
    const overview = (await (await fetch(`${sandbox.url}/_sandbox/console/overview`)).json()) as { handsets: Array<{ number: string; last: string }>; numbers: Array<{ phoneNumber: string }> };
    expect(overview.handsets.map((h) => [h.number, h.last])).toEqual([["+15551230001", "third"], ["+15551230002", "second"]]);
    expect(overview.numbers.map((n) => n.phoneNumber)).toEqual([sandbox.phoneNumber]);
  });

  it("replays a delivery signed anew with the same idempotency token, and refuses a replay a cross-site form could send", async () => {
    sandbox.sandbox.reset();
    await fetch(`${sandbox.url}/_sandbox/seed`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ numbers: [{ phoneNumber: "+15555550122", smsUrl: appUrl }] }) });
    received.length = 0;
    const sent = await sandbox.inboundSms({ from: "+15551230001", to: "+15555550122", body: "hi" });
    const [original] = sandbox.webhooks(String(sent.message.sid)) as Array<{ id?: number; idempotencyToken: string; signature: string }>;
    const id = (original as { id: number }).id;
    const form = await fetch(`${sandbox.url}/_sandbox/console/webhooks/replay`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: `id=${id}&ref=${String(sent.message.sid)}` });
    expect(form.status).toBe(403);
    const replay = await json("/_sandbox/console/webhooks/replay", { id, ref: sent.message.sid });
    expect(replay.status).toBe(201);
    const delivery = (await replay.json()) as { id: number; replayOf: number; status: number; idempotencyToken: string; signature: string };
    expect(delivery).toMatchObject({ replayOf: id, status: 200, idempotencyToken: original!.idempotencyToken, signature: original!.signature });
    expect(received).toHaveLength(2);
    expect(received[1]).toEqual(received[0]);
    expect(sandbox.webhooks(String(sent.message.sid))).toHaveLength(2);
    expect((await json("/_sandbox/console/webhooks/replay", { id: 999_999, ref: sent.message.sid })).status).toBe(404);
    expect((await json("/_sandbox/console/webhooks/replay", {})).status).toBe(400);
  });

  it("keeps emitting events safely after the event streams were ended (a sandbox closing)", async () => {
    sandbox.sandbox.reset();
    const opened = new Promise<void>((resolve, reject) => {
      get(`${sandbox.url}/_sandbox/events`, (res) => {
        res.once("data", () => resolve());
        res.resume();
      }).on("error", reject);
    });
    await opened;
    expect(sandbox.sandbox.sseClients.size).toBe(1);
    for (const client of sandbox.sandbox.sseClients) client.end();
    // the same turn: the stream is ended but its "close" has not fired, so the listener is still on
    await expect(sandbox.inboundSms({ from: "+15551230001", to: sandbox.phoneNumber, body: "after end" })).resolves.toBeTruthy();
  });
});
