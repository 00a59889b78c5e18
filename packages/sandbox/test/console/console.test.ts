// The console in a real headless Chromium against a real sandbox and the sample apps: every element
// is found by role and name, every page must stay on the sandbox's origin and log no error.
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHandle } from "../../src/index.js";
import { ensureChromium, ensureConsoleBuilt, launch, openPage, type WatchedPage } from "./browser.js";

// the sample apps of the repository, as a user would run them (plain JS: typed here by what is used)
const AUTOREPLY_APP = new URL("../../../../apps/sms-autoreply/src/index.js", import.meta.url).href;
const IVR_APP = new URL("../../../../apps/voice-ivr/src/index.js", import.meta.url).href;
const { createAutoreplyApp } = (await import(AUTOREPLY_APP)) as { createAutoreplyApp(options: { authToken: string }): { listen(port: number, host: string): Server } };
const { createIvrApp, GREETING, HOURS } = (await import(IVR_APP)) as { createIvrApp(options: { authToken: string }): Server; GREETING: string; HOURS: string };

const missing = ensureChromium();
if (missing) console.warn(`\n\n!!! SKIPPING the console browser tests: ${missing} !!!\n\n`);

// `CONSOLE_SCREENSHOTS=1` refreshes the committed screenshots; otherwise they go to a temp folder
const SHOTS = process.env.CONSOLE_SCREENSHOTS === "1" ? join(dirname(fileURLToPath(import.meta.url)), "../../docs") : tmpdir();
const APP_NUMBER = "+15555550111";
const HANDSET = "+15551230001";

async function listen(server: Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe.skipIf(missing !== undefined)("the sandbox console", () => {
  let sandbox: SandboxHandle;
  let browser: Browser;
  let apps: Server[];
  let smsUrl: string;
  let voiceUrl: string;
  let watched: WatchedPage | undefined;

  beforeAll(async () => {
    ensureConsoleBuilt();
    sandbox = await startSandbox();
    const sms = createAutoreplyApp({ authToken: sandbox.authToken }).listen(0, "127.0.0.1");
    await once(sms, "listening");
    smsUrl = `http://127.0.0.1:${(sms.address() as AddressInfo).port}/sms`;
    const ivr = createIvrApp({ authToken: sandbox.authToken });
    voiceUrl = `${await listen(ivr)}/voice`;
    apps = [sms, ivr];
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    for (const app of apps ?? []) app.close();
    await sandbox?.stop();
  });

  beforeEach(async () => {
    sandbox.sandbox.reset();
    const seeded = await fetch(`${sandbox.url}/_sandbox/seed`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ numbers: [{ phoneNumber: APP_NUMBER, friendlyName: "Sample apps", smsUrl, voiceUrl }] }),
    });
    expect(seeded.status).toBe(201);
  });

  afterEach(async () => {
    if (!watched) return;
    const { page, requests, errors } = watched;
    watched = undefined;
    await page.context().close();
    // the console is offline: nothing but its own origin, and nothing logged as an error
    expect(requests.filter((url) => !url.startsWith(`${sandbox.url}/`))).toEqual([]);
    expect(errors).toEqual([]);
  });

  async function open(hash = "", options: Parameters<typeof openPage>[1] = {}) {
    watched = await openPage(browser, options);
    await watched.page.goto(`${sandbox.url}/${hash}`);
    await expect.poll(() => watched!.page.getByRole("status").filter({ hasText: "Live" }).count()).toBe(1);
    return watched.page;
  }

  it("sends an inbound SMS from a new handset and shows the app's reply in the thread", async () => {
    const page = await open();
    await page.getByRole("textbox", { name: "New handset number" }).fill(HANDSET);
    await page.getByRole("button", { name: "Add handset" }).click();
    await page.getByRole("combobox", { name: "Conversation with" }).selectOption(APP_NUMBER);
    const composer = page.getByRole("textbox", { name: `Message to ${APP_NUMBER}` });
    // the composer counts segments as Twilio bills them: one emoji turns the message into UCS-2
    await composer.fill("hello owl 🦉");
    await page.getByRole("status", { name: "Segments" }).getByText("UCS-2 (not GSM-7: 🦉) · 1 segment · 58 left").waitFor();
    await composer.fill("hello owl");
    await page.getByRole("status", { name: "Segments" }).getByText("GSM-7 · 1 segment · 151 left").waitFor();
    await page.getByRole("button", { name: "Send" }).click();
    const messages = page.getByRole("list", { name: "Messages" });
    await messages.getByRole("listitem", { name: "Sent: hello owl" }).waitFor();
    await messages.getByRole("listitem", { name: "Received: You said: hello owl" }).waitFor();
    // the reply moves on to delivered on the real clock, live
    await messages.getByRole("listitem", { name: "Received: You said: hello owl" }).getByText("delivered").waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, "console-phone.png") });
  });

  it("sends an MMS from the handset and shows media as links the page never fetches", async () => {
    const page = await open();
    await page.getByRole("textbox", { name: "New handset number" }).fill(HANDSET);
    await page.getByRole("button", { name: "Add handset" }).click();
    await page.getByRole("combobox", { name: "Conversation with" }).selectOption(APP_NUMBER);
    await page.getByRole("textbox", { name: "Media URL (MMS)" }).fill("https://example.test/cat.jpg");
    await page.getByRole("textbox", { name: `Message to ${APP_NUMBER}` }).fill("photo");
    await page.getByRole("button", { name: "Send" }).click();
    const messages = page.getByRole("list", { name: "Messages" });
    await messages.getByRole("listitem", { name: "Sent: photo" }).getByRole("link", { name: "image/jpeg https://example.test/cat.jpg" }).waitFor();
    // the app answers PHOTO with an MMS of its own: linked, not loaded (afterEach checks no request left)
    await messages.getByRole("listitem", { name: "Received: Here is an owl." }).getByRole("link", { name: /demo\.twilio\.com\/owl\.png/ }).waitFor();
  });

  it("places a call to the IVR, presses 1 and shows what the caller hears", async () => {
    const page = await open();
    await page.getByRole("textbox", { name: "New handset number" }).fill(HANDSET);
    await page.getByRole("button", { name: "Add handset" }).click();
    await page.getByRole("combobox", { name: "Conversation with" }).selectOption(APP_NUMBER);
    await page.getByRole("button", { name: `Call ${APP_NUMBER}` }).click();
    const transcript = page.getByRole("list", { name: "Call transcript" });
    await transcript.getByText(GREETING).waitFor();
    await page.getByRole("group", { name: "Dial pad" }).getByRole("button", { name: "Dial 1" }).click();
    await transcript.getByText(HOURS).waitFor();
    await page.getByRole("status").filter({ hasText: "completed" }).waitFor({ timeout: 10_000 });
  });

  it("shows an outbound message from the app reach delivered without a reload", async () => {
    const page = await open();
    const twilio = await sandbox.client();
    await twilio.messages.create({ To: HANDSET, From: APP_NUMBER, Body: "Your order shipped" });
    // the handset appears from traffic, live
    await page.getByRole("button", { name: new RegExp(`^\\${HANDSET}`) }).click();
    await page.getByRole("combobox", { name: "Conversation with" }).selectOption(APP_NUMBER);
    const bubble = page.getByRole("list", { name: "Messages" }).getByRole("listitem", { name: "Received: Your order shipped" });
    await bubble.getByText("delivered").waitFor({ timeout: 10_000 });
  });

  it("opens a webhook, checks its signature and replays it", async () => {
    const sent = await sandbox.inboundSms({ from: HANDSET, to: APP_NUMBER, body: "help" });
    const page = await open("#webhooks");
    await page.getByRole("list", { name: "Deliveries" }).getByRole("button", { name: /^sms POST/ }).click();
    await page.getByText("Valid: made with the account's auth token").waitFor();
    await expect.poll(() => page.getByRole("row", { name: `MessageSid ${String(sent.message.sid)}`, exact: true }).count()).toBe(1);
    // the TwiML answer, one element per line
    await expect.poll(() => page.getByLabel("Response body").textContent()).toContain("<Response>\n  <Message>Autoreply bot");
    await page.screenshot({ path: join(SHOTS, "console-inspector.png"), fullPage: true });
    await page.getByRole("button", { name: "Replay webhook" }).click();
    await page.getByRole("heading", { name: /replay of #/ }).waitFor();
    await expect.poll(() => page.getByRole("list", { name: "Deliveries" }).getByRole("button", { name: /^sms POST/ }).count()).toBe(2);
    const logged = sandbox.webhooks(String(sent.message.sid)).filter((d) => d.kind === "sms");
    expect(logged).toHaveLength(2);
    // a replay is the same request signed anew: same token, and the app accepted it
    expect(logged[1]!.idempotencyToken).toBe(logged[0]!.idempotencyToken);
    expect(logged[1]!.status).toBe(200);
  });

  it("keeps the auth token masked until revealed and resets only after confirmation", async () => {
    const page = await open("#account");
    await expect.poll(() => page.getByText(sandbox.authToken).count()).toBe(0);
    await page.getByRole("button", { name: "Reveal auth token" }).click();
    await page.getByText(sandbox.authToken).waitFor();
    await page.getByRole("rowheader", { name: APP_NUMBER }).waitFor();
    await page.getByRole("button", { name: "Reset sandbox…" }).click();
    await page.getByRole("dialog", { name: "Reset the sandbox?" }).getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("rowheader", { name: APP_NUMBER }).waitFor();
    await page.getByRole("button", { name: "Reset sandbox…" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Reset everything" }).click();
    await expect.poll(() => page.getByRole("rowheader", { name: APP_NUMBER }).count()).toBe(0);
    await page.getByRole("rowheader", { name: sandbox.phoneNumber }).waitFor();
  });

  it("gives every control in every view an accessible name (Chromium's accessibility tree)", async () => {
    await sandbox.inboundSms({ from: HANDSET, to: APP_NUMBER, body: "hello" });
    const page = await open();
    await page.getByRole("button", { name: new RegExp(`^\\${HANDSET}`) }).click();
    const cdp = await page.context().newCDPSession(page);
    const unnamed: string[] = [];
    for (const hash of ["#phones", "#webhooks", "#account"]) {
      await page.goto(`${sandbox.url}/${hash}`);
      await page.getByRole("status").filter({ hasText: "Live" }).waitFor();
      if (hash === "#webhooks") await page.getByRole("list", { name: "Deliveries" }).getByRole("button").first().click();
      if (hash === "#phones") await page.getByRole("button", { name: new RegExp(`^\\${HANDSET}`) }).click();
      const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as { nodes: Array<{ ignored: boolean; role?: { value: string }; name?: { value: string } }> };
      const controls = nodes.filter((n) => !n.ignored && ["button", "textbox", "combobox", "link", "checkbox", "radio", "searchbox", "spinbutton"].includes(n.role?.value ?? ""));
      expect(controls.length).toBeGreaterThan(3);
      for (const node of controls) if (!node.name?.value.trim()) unnamed.push(`${hash} ${node.role!.value}`);
    }
    expect(unnamed).toEqual([]);
  });

  it("is keyboard operable with a visible focus and fits 360 px in dark mode", async () => {
    const page = await open("", { width: 360, height: 740, colorScheme: "dark" });
    await page.getByRole("textbox", { name: "New handset number" }).focus();
    await page.keyboard.type(HANDSET);
    await page.keyboard.press("Enter");
    await page.getByRole("textbox", { name: `Message to ${sandbox.phoneNumber}` }).waitFor();
    // Tab from the conversation picker reaches the composer; the focused control shows an outline
    await page.getByRole("combobox", { name: "Conversation with" }).focus();
    await page.keyboard.press("Tab");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe("none");
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe("rgb(21, 24, 28)");
  });
});

describe.skipIf(missing !== undefined)("the sandbox console after a sandbox restart", () => {
  it("reconnects the live stream and shows what the new sandbox holds", async () => {
    ensureConsoleBuilt();
    const db = join(mkdtempSync(join(tmpdir(), "console-")), "sandbox.db");
    let sandbox = await startSandbox({ db });
    const port = Number(new URL(sandbox.url).port);
    const browser = await launch();
    try {
      const { page, requests, errors } = await openPage(browser);
      await page.goto(`${sandbox.url}/`);
      await page.getByRole("status").filter({ hasText: "Live" }).waitFor();
      await sandbox.stop();
      await page.getByRole("status").filter({ hasText: "Reconnecting" }).waitFor();
      // the same database on the same port: what happened while the page was away shows up
      sandbox = await startSandbox({ db, port });
      await sandbox.inboundSms({ from: HANDSET, to: sandbox.phoneNumber, body: "while away" });
      await page.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 10_000 });
      await page.getByRole("button", { name: new RegExp(`^\\${HANDSET}`) }).waitFor({ timeout: 10_000 });
      expect(requests.filter((url) => !url.startsWith(`${sandbox.url}/`))).toEqual([]);
      // while the sandbox is down the browser logs its refused reconnects; nothing else may be logged
      expect(errors.filter((text) => !/net::ERR_(CONNECTION_REFUSED|INCOMPLETE_CHUNKED_ENCODING)/.test(text))).toEqual([]);
    } finally {
      await browser.close();
      await sandbox.stop();
    }
  });
});

describe.skipIf(missing !== undefined)("the sandbox console on a manual clock", () => {
  let sandbox: SandboxHandle;
  let browser: Browser;
  let watched: WatchedPage | undefined;
  const auth = () => `Basic ${Buffer.from(`${sandbox.accountSid}:${sandbox.authToken}`).toString("base64")}`;
  const rest = async (path: string, params: Record<string, string>) => {
    const response = await fetch(`${sandbox.url}${path}`, { method: "POST", headers: { Authorization: auth(), "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(params) });
    expect(response.status).toBe(201);
    return (await response.json()) as { sid: string };
  };

  beforeAll(async () => {
    ensureConsoleBuilt();
    sandbox = await startSandbox({ clock: "manual" });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });
  afterEach(async () => {
    if (!watched) return;
    const { page, requests, errors } = watched;
    watched = undefined;
    await page.context().close();
    expect(requests.filter((url) => !url.startsWith(`${sandbox.url}/`))).toEqual([]);
    expect(errors).toEqual([]);
  });

  async function openHandset() {
    sandbox.sandbox.reset();
    watched = await openPage(browser);
    const { page } = watched;
    await page.goto(`${sandbox.url}/`);
    await page.getByRole("status").filter({ hasText: "Live" }).waitFor();
    await page.getByRole("textbox", { name: "New handset number" }).fill(HANDSET);
    await page.getByRole("button", { name: "Add handset" }).click();
    return page;
  }

  it("rings the handset when the app calls it, and declining ends the call busy", async () => {
    const page = await openHandset();
    const call = await rest(`/api/2010-04-01/Accounts/${sandbox.accountSid}/Calls.json`, { To: HANDSET, From: sandbox.phoneNumber, Twiml: "<Response><Say>Your table is ready</Say></Response>" });
    await page.getByRole("status").filter({ hasText: `Incoming call from ${sandbox.phoneNumber}` }).waitFor();
    await page.getByRole("group", { name: "Incoming call" }).getByRole("button", { name: "Decline (busy)" }).click();
    await page.getByRole("status").filter({ hasText: "busy" }).waitFor();
    const twilio = await sandbox.client();
    expect((await twilio.calls.fetch({ Sid: call.sid })).status).toBe("busy");
  });

  it("edits a number's webhook URLs through the REST API and refuses a URL that is not http(s)", async () => {
    sandbox.sandbox.reset();
    watched = await openPage(browser);
    const { page } = watched;
    await page.goto(`${sandbox.url}/#account`);
    await page.getByRole("button", { name: `Edit webhooks of ${sandbox.phoneNumber}` }).click();
    const form = page.getByRole("form", { name: `Webhooks of ${sandbox.phoneNumber}` });
    await form.getByRole("textbox", { name: "SmsUrl" }).fill("ftp://example.test/sms");
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByRole("alert").filter({ hasText: "SmsUrl must be an http:// or https:// URL" }).waitFor();
    await form.getByRole("textbox", { name: "SmsUrl" }).fill("http://127.0.0.1:9/sms");
    await form.getByRole("textbox", { name: "VoiceUrl" }).fill("http://127.0.0.1:9/voice");
    await form.getByRole("button", { name: "Save" }).click();
    await page.getByRole("cell", { name: "http://127.0.0.1:9/sms" }).waitFor();
    const twilio = await sandbox.client();
    const listed = await twilio.incomingPhoneNumbers.list({ PhoneNumber: sandbox.phoneNumber });
    expect(listed.incoming_phone_numbers?.[0]).toMatchObject({ sms_url: "http://127.0.0.1:9/sms", voice_url: "http://127.0.0.1:9/voice" });
  });

  it("shows a Verify code sent to the handset as a text message", async () => {
    const page = await openHandset();
    const service = await rest("/verify/v2/Services", { FriendlyName: "Owl Shop" });
    await rest(`/verify/v2/Services/${service.sid}/Verifications`, { To: HANDSET, Channel: "sms" });
    const code = sandbox.verificationCode(HANDSET);
    expect(code).toMatch(/^\d{4,10}$/);
    await page.getByRole("list", { name: "Verification codes" }).getByRole("listitem", { name: `Verification code ${code}` }).waitFor();
  });
});
