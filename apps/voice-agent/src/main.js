#!/usr/bin/env node
// `npm start`: serves the voice agent on PORT and points a number's VoiceUrl at it.
// Without TWILIO_ACCOUNT_SID it starts a local sandbox, wires the sandbox number to this server and
// places one call that asks for the opening hours, then for a person, printing the conversation; with
// TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER and PUBLIC_URL (https) it configures that
// Twilio number instead (ConversationRelay must be enabled on the account).
import { createTwilio } from "@twilio-kit/core";
import { startSandbox } from "@twilio-kit/sandbox";
import { createVoiceAgent, formatConversation } from "./index.js";

const env = process.env;
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
const server = createVoiceAgent({ authToken, publicUrl: env.PUBLIC_URL, personNumber: env.PERSON_NUMBER });
server.listen(Number(env.PORT ?? (isTwilio ? 3000 : 0)), host);
await new Promise((resolve) => server.once("listening", resolve));
const address = /** @type {import("node:net").AddressInfo} */ (server.address());
const publicUrl = env.PUBLIC_URL ?? `http://${host}:${address.port}`;

const page = await twilio.incomingPhoneNumbers.list({ PhoneNumber: phoneNumber });
const number = page.incoming_phone_numbers?.[0];
if (!number?.sid) throw new Error(`${phoneNumber} is not a number of this account`);
await twilio.incomingPhoneNumbers.update({ Sid: number.sid, VoiceUrl: `${publicUrl}/voice`, VoiceMethod: "POST" });
console.log(`${phoneNumber} now sends incoming calls to ${publicUrl}/voice (listening on ${host}:${address.port})`);

if (sandbox) {
  const call = await sandbox.inboundCall({ from: "+15558675310", to: phoneNumber });
  const callSid = String(call.sid);
  // the real clock runs: let the greeting play out before speaking, as a caller would
  await new Promise((resolve) => setTimeout(resolve, 8_000));
  await sandbox.sendSpeech(callSid, "When are you open?");
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  await sandbox.sendSpeech(callSid, "Can I talk to a person?");
  await sandbox.waitForCallStatus(callSid, "completed", { timeoutMs: 60_000 });
  console.log(`Sandbox at ${sandbox.url}. The conversation:`);
  for (const line of formatConversation(await sandbox.transcript(callSid))) console.log(`  ${line}`);
  console.log(`Call it yourself: curl -H 'X-Sandbox-Control: 1' --data-urlencode From=+15558675310 --data-urlencode To=${phoneNumber} ${sandbox.url}/_sandbox/calls/inbound`);
  console.log(`  then speak: curl -H 'X-Sandbox-Control: 1' --data-urlencode 'SpeechResult=what are your hours' ${sandbox.url}/_sandbox/calls/CA…/speech`);
} else {
  console.log(`Call ${phoneNumber} from your phone.`);
}
process.once("SIGINT", async () => {
  server.close();
  await sandbox?.stop();
});
console.log("Ctrl+C to stop.");
