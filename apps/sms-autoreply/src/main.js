#!/usr/bin/env node
// `npm start`: serves the bot on PORT and points a number's SmsUrl at it.
// Without TWILIO_ACCOUNT_SID it starts a local sandbox, wires the sandbox number to this server and
// texts it "HELP" once to show the round trip; with TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
// TWILIO_PHONE_NUMBER and PUBLIC_URL it configures that Twilio number instead.
// With --conversations (`npm run start:conversations`) the bot answers through Twilio Conversations:
// the account's onMessageAdded webhook points here and the number autocreates a conversation per sender.
import { createTwilio } from "@twilio-kit/core";
import { startSandbox } from "@twilio-kit/sandbox";
import { createAutoreplyApp, createConversationsAutoreplyApp, setUpConversations } from "./index.js";

const env = process.env;
const isConversations = process.argv.includes("--conversations");
const isTwilio = Boolean(env.TWILIO_ACCOUNT_SID);
if (isTwilio) {
  for (const name of ["TWILIO_AUTH_TOKEN", "TWILIO_PHONE_NUMBER", "PUBLIC_URL"]) {
    if (!env[name]) throw new Error(`${name} is required with TWILIO_ACCOUNT_SID (see README.md)`);
  }
}
const sandbox = isTwilio ? undefined : await startSandbox();
const twilio = sandbox ? await sandbox.client() : createTwilio();
const authToken = sandbox ? sandbox.authToken : /** @type {string} */ (env.TWILIO_AUTH_TOKEN);
const phoneNumber = sandbox ? sandbox.phoneNumber : /** @type {string} */ (env.TWILIO_PHONE_NUMBER);

const host = env.HOST ?? "127.0.0.1";
const app = isConversations ? createConversationsAutoreplyApp({ authToken, twilio, publicUrl: env.PUBLIC_URL }) : createAutoreplyApp({ authToken, publicUrl: env.PUBLIC_URL });
const server = app.listen(Number(env.PORT ?? (isTwilio ? 3000 : 0)), host);
await new Promise((resolve) => server.once("listening", resolve));
const address = /** @type {import("node:net").AddressInfo} */ (server.address());
const publicUrl = env.PUBLIC_URL ?? `http://${host}:${address.port}`;

if (isConversations) {
  await setUpConversations(twilio, { appUrl: publicUrl, phoneNumber });
  console.log(`${phoneNumber} now opens a conversation per sender; onMessageAdded goes to ${publicUrl}/conversations (listening on ${host}:${address.port})`);
} else {
  // IncomingPhoneNumbers: find the number's SID, then set "A message comes in" to this app.
  const page = await twilio.incomingPhoneNumbers.list({ PhoneNumber: phoneNumber });
  const number = page.incoming_phone_numbers?.[0];
  if (!number?.sid) throw new Error(`${phoneNumber} is not a number of this account`);
  await twilio.incomingPhoneNumbers.update({ Sid: number.sid, SmsUrl: `${publicUrl}/sms`, SmsMethod: "POST" });
  console.log(`${phoneNumber} now sends incoming SMS to ${publicUrl}/sms (listening on ${host}:${address.port})`);
}

if (sandbox && isConversations) {
  await sandbox.inboundSms({ from: "+15558675310", to: phoneNumber, body: "HELP" });
  const answer = await sandbox.waitForMessage({ to: "+15558675310", from: phoneNumber, direction: "outbound-api" });
  console.log(`Sandbox at ${sandbox.url}. Texted "HELP", the app answered in the conversation: ${JSON.stringify(answer.body)}`);
  console.log(`Text it yourself: curl -H 'X-Sandbox-Control: 1' --data-urlencode From=+15558675310 --data-urlencode To=${phoneNumber} -d Body=PHOTO ${sandbox.url}/_sandbox/messages/inbound`);
} else if (sandbox) {
  const { replies } = await sandbox.inboundSms({ from: "+15558675310", to: phoneNumber, body: "HELP" });
  console.log(`Sandbox at ${sandbox.url}. Texted "HELP", the app answered: ${JSON.stringify(replies[0]?.body)}`);
  console.log(`Text it yourself: curl -H 'X-Sandbox-Control: 1' --data-urlencode From=+15558675310 --data-urlencode To=${phoneNumber} -d Body=PHOTO ${sandbox.url}/_sandbox/messages/inbound`);
} else {
  console.log(`Text ${phoneNumber} from your phone: HELP, PHOTO, or anything else.`);
}
// Listen for Ctrl+C before saying so: whoever reads the line may press it at once.
process.once("SIGINT", async () => {
  server.close();
  await sandbox?.stop();
});
console.log("Ctrl+C to stop.");
