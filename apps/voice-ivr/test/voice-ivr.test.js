import { startSandbox } from "@twilio-kit/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GREETING, HOURS, choose, createIvrApp, formatTranscript, menu } from "../src/index.js";

/** @type {Awaited<ReturnType<typeof startSandbox>>} */
let sandbox;
/** @type {import("node:http").Server} */
let server;
/** @type {string} */
let appUrl;

/** Serves the menu on a free port and points the sandbox number's VoiceUrl at it, as main.js does. */
async function serve(options = {}) {
  server = createIvrApp({ authToken: sandbox.authToken, ...options }).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  appUrl = `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (server.address()).port}`;
  const twilio = await sandbox.client();
  const page = await twilio.incomingPhoneNumbers.list({ PhoneNumber: sandbox.phoneNumber });
  await twilio.incomingPhoneNumbers.update({ Sid: /** @type {string} */ (page.incoming_phone_numbers?.[0]?.sid), VoiceUrl: `${appUrl}/voice` });
}

/** Calls the number, presses `digits` (if any), lets the virtual clock run out the call. */
async function call(/** @type {string[]} */ ...digits) {
  const sid = String((await sandbox.inboundCall({ from: "+15558675310", to: sandbox.phoneNumber })).sid);
  // Keys pressed ahead of a <Gather> are buffered, as a caller typing ahead would be.
  for (const key of digits) await sandbox.sendDigits(sid, key);
  await sandbox.advance(10 * 60_000);
  const twilio = await sandbox.client();
  const { status } = await twilio.calls.fetch({ Sid: sid });
  return { sid, status, transcript: await sandbox.transcript(sid) };
}

/** @param {Array<{ verb: string, text?: string }>} transcript */
const heard = (transcript) => transcript.filter((s) => s.verb === "Say").map((s) => s.text);

beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterEach(async () => {
  server?.close();
  await sandbox.stop();
});

describe("the phone menu behind the sandbox number", () => {
  it("greets the caller and waits for a key", async () => {
    await serve();
    const sid = String((await sandbox.inboundCall({ from: "+15558675310", to: sandbox.phoneNumber })).sid);
    const transcript = await sandbox.transcript(sid);
    expect(transcript).toEqual([expect.objectContaining({ verb: "Say", text: GREETING }), expect.objectContaining({ verb: "Gather", note: "waiting for dtmf" })]);
  });

  it("gives the opening hours for 1 and hangs up", async () => {
    await serve();
    const { status, transcript } = await call("1");
    expect(heard(transcript)).toEqual([GREETING, HOURS]);
    expect(transcript.slice(-2).map((s) => s.verb)).toEqual(["Hangup", "End"]);
    expect(status).toBe("completed");
  });

  it("dials the agent for 2 and says goodbye after the agent call", async () => {
    await serve({ agentNumber: "+15558675399" });
    const { status, transcript } = await call("2");
    expect(transcript).toContainEqual(expect.objectContaining({ verb: "Dial", to: "+15558675399", status: "completed" }));
    expect(heard(transcript).at(-1)).toBe("Thank you for calling Owl Hardware. Goodbye!");
    expect(status).toBe("completed");
  });

  it("apologises when the agent's line is busy", async () => {
    await serve({ agentNumber: "+15005550486" }); // the sandbox's busy number
    const { transcript } = await call("2");
    expect(transcript).toContainEqual(expect.objectContaining({ verb: "Dial", status: "busy" }));
    expect(heard(transcript).at(-1)).toBe("Nobody is available right now. Please call again later. Goodbye!");
  });

  it("records a message for 3 and thanks the caller", async () => {
    await serve();
    const { sid, transcript } = await call("3");
    expect(transcript.map((s) => s.verb)).toContain("Record");
    expect(heard(transcript).at(-1)).toBe("Thank you, we got your message. Goodbye!");
    const twilio = await sandbox.client();
    const recordings = await twilio.request("GET /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings.json", { CallSid: sid });
    expect(recordings.recordings).toHaveLength(1);
  });

  it("repeats the menu after a key that is not an option", async () => {
    await serve();
    const { transcript } = await call("9", "1");
    expect(heard(transcript)).toEqual([GREETING, "Sorry, that is not an option.", GREETING, HOURS]);
  });

  it("says goodbye and hangs up when nothing is pressed", async () => {
    await serve();
    const { status, transcript } = await call();
    expect(heard(transcript).at(-1)).toBe("We did not receive any input. Goodbye!");
    expect(transcript.at(-2)?.verb).toBe("Hangup");
    expect(status).toBe("completed");
  });

  it("verifies the signature of every webhook the sandbox sent", async () => {
    await serve();
    const { sid } = await call("2");
    const voice = (await sandbox.webhooks(sid)).filter((w) => w.kind === "voice");
    expect(voice.map((w) => new URL(w.url).pathname)).toEqual(["/voice", "/menu", "/after-dial"]);
    for (const delivery of voice) expect(delivery.status).toBe(200);
  });

  it("refuses webhooks signed with another auth token, so the call never reaches the menu", async () => {
    await serve({ authToken: "not-the-account-token" });
    const { sid, status, transcript } = await call();
    expect(heard(transcript)).not.toContain(GREETING);
    expect(status).not.toBe("completed");
    const [delivery] = (await sandbox.webhooks(sid)).filter((w) => w.kind === "voice");
    expect(delivery?.status).toBe(403);
  });
});

describe("the TwiML", () => {
  it("gathers one digit and falls through to a goodbye and a hang up", () => {
    expect(menu().toString()).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><Response><Gather input="dtmf" numDigits="1" action="/menu" method="POST" timeout="5"><Say>${GREETING}</Say></Gather><Say>We did not receive any input. Goodbye!</Say><Hangup/></Response>`,
    );
  });

  it("dials the configured agent with an action for the outcome", () => {
    expect(choose("2", "+15551234567").toString()).toContain('<Dial action="/after-dial" method="POST" timeout="20"><Number>+15551234567</Number></Dial>');
  });
});

describe("formatTranscript", () => {
  it("writes what the caller heard, pressed and how the call ended", () => {
    const lines = formatTranscript([
      { verb: "Say", text: "Hi" },
      { verb: "Gather", note: "waiting for dtmf" },
      { verb: "Gather", digits: "1" },
      { verb: "Hangup" },
      { verb: "End", status: "completed" },
    ]);
    expect(lines).toEqual(['heard    "Hi"', "menu     waiting for dtmf", "pressed  1", "hung up", "call     completed"]);
  });
});

describe("npm start", () => {
  it("starts its own sandbox without credentials, wires the number and shows a call that presses 1, then stops on Ctrl+C", async () => {
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
    expect(stdout).toMatch(/\+15555550100 now sends incoming calls to http:\/\/127\.0\.0\.1:\d+\/voice/);
    expect(stdout).toMatch(/pressed  1\s+heard    "We are open[^\n]*\n\s+hung up\s+call     completed/);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  }, 60_000);
});
