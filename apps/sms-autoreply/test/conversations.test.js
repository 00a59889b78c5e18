// The Conversations variant of the bot, end to end through the sandbox: an SMS to the number
// autocreates a conversation, the app gets the signed onMessageAdded webhook, answers with a
// conversation message, and the handset receives it as an SMS.
import { startSandbox } from "@twilio-kit/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BOT_AUTHOR, HELP_TEXT, PHOTO_URL, createConversationsAutoreplyApp, setUpConversations } from "../src/index.js";

const HANDSET = "+15558675310";

/** @type {Awaited<ReturnType<typeof startSandbox>>} */
let sandbox;
/** @type {import("node:http").Server} */
let server;
/** @type {import("@twilio-kit/core").Twilio} */
let twilio;

/** Serves the app on a free port and sets up Conversations for it, as a real deployment would. */
async function serve(authToken = sandbox.authToken) {
  twilio = await sandbox.client();
  server = createConversationsAutoreplyApp({ authToken, twilio }).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const appUrl = `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (server.address()).port}`;
  await setUpConversations(twilio, { appUrl, phoneNumber: sandbox.phoneNumber });
  return appUrl;
}

/** The bodies of the SMS the handset received, oldest first. */
async function handsetInbox() {
  const page = await twilio.messages.list({ To: HANDSET });
  return (page.messages ?? []).map((message) => message.body).reverse();
}

beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterEach(async () => {
  server?.close();
  await sandbox.stop();
});

describe("the autoreply bot over Conversations", () => {
  it("answers a first SMS in the conversation Conversations autocreated, and the handset gets it as SMS", async () => {
    const appUrl = await serve();
    const { deliveries } = await sandbox.inboundSms({ from: HANDSET, to: sandbox.phoneNumber, body: "HELP" });
    expect(deliveries.find((delivery) => delivery.url === `${appUrl}/conversations`)?.status).toBe(200);
    expect(await handsetInbox()).toEqual([HELP_TEXT]);
    const { conversations } = await twilio.request("GET /conversations/v1/Conversations", {});
    expect(conversations).toHaveLength(1);
    const { messages } = await twilio.request("GET /conversations/v1/Conversations/{ConversationSid}/Messages", { ConversationSid: String(conversations?.[0]?.sid) });
    expect(messages?.map((message) => [message.author, message.body])).toEqual([[HANDSET, "HELP"], [BOT_AUTHOR, HELP_TEXT]]);
  });

  it("keeps one conversation per sender and answers every message, with the picture as a link", async () => {
    await serve();
    await sandbox.inboundSms({ from: HANDSET, to: sandbox.phoneNumber, body: "Is the owl awake?" });
    await sandbox.inboundSms({ from: HANDSET, to: sandbox.phoneNumber, body: "photo" });
    expect(await handsetInbox()).toEqual(["You said: Is the owl awake?", `Here is an owl. ${PHOTO_URL}`]);
    expect((await twilio.request("GET /conversations/v1/Conversations", {})).conversations).toHaveLength(1);
  });

  it("sends nothing when the webhook signature does not match its auth token", async () => {
    const appUrl = await serve("not-the-account-token");
    const { deliveries } = await sandbox.inboundSms({ from: HANDSET, to: sandbox.phoneNumber, body: "HELP" });
    expect(deliveries.find((delivery) => delivery.url === `${appUrl}/conversations`)?.status).toBe(403);
    expect(await handsetInbox()).toEqual([]);
  });

  it("sets up Conversations only once when started again", async () => {
    await serve();
    await setUpConversations(twilio, { appUrl: "http://127.0.0.1:1", phoneNumber: sandbox.phoneNumber });
    const { address_configurations } = await twilio.request("GET /conversations/v1/Configuration/Addresses", {});
    expect(address_configurations).toHaveLength(1);
  });
});

describe("npm run start:conversations", () => {
  it("starts its own sandbox, sets up Conversations and shows the HELP round trip, then stops on Ctrl+C", async () => {
    const { spawn } = await import("node:child_process");
    const env = { ...process.env };
    for (const name of Object.keys(env)) if (name.startsWith("TWILIO_")) delete env[name];
    delete env.PUBLIC_URL;
    const child = spawn(process.execPath, [new URL("../src/main.js", import.meta.url).pathname, "--conversations"], { env });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    await new Promise((resolve, reject) => {
      child.stdout.on("data", () => stdout.includes("Ctrl+C") && resolve(undefined));
      child.once("exit", (code) => reject(new Error(`exited early with ${code}: ${stdout}`)));
    });
    expect(stdout).toMatch(/\+15555550100 now opens a conversation per sender; onMessageAdded goes to http:\/\/127\.0\.0\.1:\d+\/conversations/);
    expect(stdout).toContain(`the app answered in the conversation: ${JSON.stringify(HELP_TEXT)}`);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  }, 60_000);
});
