import { startSandbox } from "@twilio-kit/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { GREETING, createVoiceAgent, formatConversation, reply } from "../src/index.js";

/** @type {Awaited<ReturnType<typeof startSandbox>>} */
let sandbox;
/** @type {import("node:http").Server} */
let server;
/** @type {string} */
let appUrl;

/** Serves the agent on a free port and points the sandbox number's VoiceUrl at it, as main.js does. */
async function serve() {
  server = createVoiceAgent({ authToken: sandbox.authToken }).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  appUrl = `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (server.address()).port}`;
  const twilio = await sandbox.client();
  const page = await twilio.incomingPhoneNumbers.list({ PhoneNumber: sandbox.phoneNumber });
  await twilio.incomingPhoneNumbers.update({ Sid: /** @type {string} */ (page.incoming_phone_numbers?.[0]?.sid), VoiceUrl: `${appUrl}/voice` });
}

/** Calls the number and says each line after the agent finished speaking (the clock is manual). */
async function converse(/** @type {string[]} */ ...lines) {
  const sid = String((await sandbox.inboundCall({ from: "+15558675310", to: sandbox.phoneNumber })).sid);
  for (const line of lines) {
    await sandbox.advance(10_000);
    // resolves once the agent answered the prompt
    await sandbox.sendSpeech(sid, line);
  }
  return sid;
}

beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterEach(async () => {
  server?.close();
  await sandbox.stop();
});

describe("the rule-based replies", () => {
  it("answers opening hours and orders, hands off on a request for a person, ends on goodbye", () => {
    expect(reply("When are you open?").text).toContain("9 AM to 5 PM");
    expect(reply("Where is my order").text).toContain("two working days");
    expect(reply("I need help").end?.handoff).toEqual({ reasonCode: "live-agent-handoff", reason: "caller said: I need help" });
    expect(reply("thanks, bye")).toMatchObject({ end: {} });
    expect(reply("bananas").end).toBeUndefined();
  });
});

describe("the voice agent behind the sandbox number", () => {
  it("greets, answers the hours, and hands a request for a person to <Dial>", async () => {
    await serve();
    const sid = await converse("When are you open?", "Can I talk to a person?");
    const handoff = await sandbox.waitForWebhook({ url: `${appUrl}/handoff`, sid });
    expect(JSON.parse(handoff.params.HandoffData ?? "{}")).toMatchObject({ reasonCode: "live-agent-handoff" });
    expect(handoff.status).toBe(200);
    await sandbox.advance(10 * 60_000);
    await sandbox.waitForCallStatus(sid, "completed");
    const lines = formatConversation(sandbox.transcript(sid));
    expect(lines.filter((line) => /^(agent|caller|heard|dialled)/.test(line))).toEqual([
      `agent    "${GREETING}"`,
      'caller   "When are you open?"',
      'agent    "We are open Monday to Friday, from 9 AM to 5 PM."',
      'caller   "Can I talk to a person?"',
      'agent    "Of course. I am passing you to a person now."',
      'heard    "Connecting you to a person."',
      "dialled  +15558675399 (completed)",
      'heard    "Thanks for calling. Goodbye!"',
    ]);
  });

  it("says goodbye without a hand-off when the caller ends the conversation", async () => {
    await serve();
    const sid = await converse("Thank you, bye");
    const done = await sandbox.waitForWebhook({ url: `${appUrl}/handoff`, sid });
    expect(done.params.HandoffData).toBeUndefined();
    expect(done.params.SessionStatus).toBe("ended");
    await sandbox.advance(60_000);
    await sandbox.waitForCallStatus(sid, "completed");
    expect(formatConversation(sandbox.transcript(sid))).toContain('heard    "Goodbye!"');
  });

  it("refuses a WebSocket handshake without a valid X-Twilio-Signature", async () => {
    await serve();
    const socket = new WebSocket(`${appUrl.replace("http", "ws")}/relay`, { headers: { "X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl" } });
    const status = await new Promise((resolve) => {
      socket.once("unexpected-response", (_request, response) => resolve(response.statusCode));
      socket.once("open", () => resolve(101));
      socket.once("error", () => resolve("error"));
    });
    expect(status).toBe(403);
  });
});
