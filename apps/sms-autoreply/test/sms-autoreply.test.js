import { startSandbox } from "@twilio-kit/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HELP_TEXT, PHOTO_URL, createAutoreplyApp, replyTo } from "../src/index.js";

/** @type {Awaited<ReturnType<typeof startSandbox>>} */
let sandbox;
/** @type {import("node:http").Server} */
let server;
/** @type {string} */
let appUrl;

/** Serves the app on a free port and points the sandbox number's SmsUrl at it, as main.js does. */
async function serve(options = {}) {
  server = createAutoreplyApp({ authToken: sandbox.authToken, ...options }).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  appUrl = `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (server.address()).port}`;
  const twilio = await sandbox.client();
  const page = await twilio.incomingPhoneNumbers.list({ PhoneNumber: sandbox.phoneNumber });
  await twilio.incomingPhoneNumbers.update({ Sid: /** @type {string} */ (page.incoming_phone_numbers?.[0]?.sid), SmsUrl: `${appUrl}/sms` });
}

/** @param {string} body @param {string[]} [mediaUrls] */
function text(body, mediaUrls) {
  return sandbox.inboundSms({ from: "+15558675310", to: sandbox.phoneNumber, body, mediaUrls });
}

beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterEach(async () => {
  server?.close();
  await sandbox.stop();
});

describe("the autoreply app behind the sandbox number", () => {
  it("answers HELP with the list of commands", async () => {
    await serve();
    const { replies } = await text("HELP");
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ body: HELP_TEXT, direction: "outbound-reply", from: sandbox.phoneNumber, to: "+15558675310" });
  });

  it("echoes any other text", async () => {
    await serve();
    const { replies } = await text("  Is the owl awake?  ");
    expect(replies[0]?.body).toBe("You said: Is the owl awake?");
  });

  it("answers PHOTO with an MMS carrying the picture", async () => {
    await serve();
    const { replies } = await text("photo");
    expect(replies[0]).toMatchObject({ body: "Here is an owl.", num_media: "1" });
    const twilio = await sandbox.client();
    const media = await twilio.request("GET /2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media.json", { MessageSid: String(replies[0]?.sid) });
    expect(media.media_list).toHaveLength(1);
  });

  it("thanks for a picture sent without text", async () => {
    await serve();
    const { replies } = await text("", ["https://example.com/cat.jpg"]);
    expect(replies[0]?.body).toBe("Thanks for the picture!");
  });

  it("gets the signed webhook through with a 200 and TwiML", async () => {
    await serve();
    const { deliveries } = await text("HELP");
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ kind: "sms", url: `${appUrl}/sms`, status: 200 });
  });

  it("refuses a request signed with another auth token, so no reply goes out", async () => {
    await serve({ authToken: "not-the-account-token" });
    const { replies, deliveries } = await text("HELP");
    expect(replies).toEqual([]);
    expect(deliveries[0]?.status).toBe(403);
  });

  it("answers 400 to a request without a signature", async () => {
    await serve();
    const response = await fetch(`${appUrl}/sms`, { method: "POST", body: new URLSearchParams({ Body: "HELP" }) });
    expect(response.status).toBe(400);
  });

  it("delivers its reply like any outbound message once the clock moves", async () => {
    await serve();
    const { replies } = await text("HELP");
    await sandbox.advance(10_000);
    const twilio = await sandbox.client();
    expect(await twilio.messages.fetch({ Sid: String(replies[0]?.sid) })).toMatchObject({ status: "delivered" });
  });
});

describe("replyTo", () => {
  it("matches keywords whatever their case and surrounding spaces", () => {
    expect(replyTo({ Body: " help\n" }).toString()).toContain("Autoreply bot");
    expect(replyTo({ Body: "Photo" }).toString()).toContain(`<Media>${PHOTO_URL}</Media>`);
  });

  it("escapes the echoed text as XML", () => {
    expect(replyTo({ Body: "<b>&</b>" }).toString()).toContain("<Message>You said: &lt;b&gt;&amp;&lt;/b&gt;</Message>");
  });

  it("points an empty message at HELP", () => {
    expect(replyTo({ Body: "" }).toString()).toContain("Send HELP");
  });
});

describe("npm start", () => {
  it("starts its own sandbox without credentials, wires the number and shows the HELP round trip, then stops on Ctrl+C", async () => {
    const { spawn } = await import("node:child_process");
    const env = { ...process.env };
    for (const name of Object.keys(env)) if (name.startsWith("TWILIO_")) delete env[name];
    delete env.PUBLIC_URL;
    const child = spawn(process.execPath, [new URL("../src/main.js", import.meta.url).pathname], { env });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    await new Promise((resolve, reject) => {
      child.stdout.on("data", () => stdout.includes("Ctrl+C") && resolve(undefined));
      child.once("exit", (code) => reject(new Error(`exited early with ${code}: ${stdout}`)));
    });
    expect(stdout).toMatch(/\+15555550100 now sends incoming SMS to http:\/\/127\.0\.0\.1:\d+\/sms/);
    expect(stdout).toContain(`the app answered: ${JSON.stringify(HELP_TEXT)}`);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  }, 60_000);
});
