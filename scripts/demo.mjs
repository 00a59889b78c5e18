#!/usr/bin/env node
// Quick-start command 1 (after install and build): starts one local sandbox with a manual clock and
// runs the sample apps of apps/ against it, printing what happened. No Twilio account, nothing
// leaves 127.0.0.1; the manual clock makes every run the same and quick. Exit code 0 on success,
// 1 with the failing step named otherwise. With `--keep` (or TWILIO_KIT_DEMO_KEEP=1) the sandbox
// and the apps stay up after the demo so a person can look around in the console (Ctrl-C stops).
import { createServer } from "node:http";

// The apps import the built packages (dist/): say what to do when they are missing rather than
// print a resolver stack.
let apps;
try {
  apps = await Promise.all([
    import("../apps/send-sms/src/index.js"),
    import("../apps/sms-autoreply/src/index.js"),
    import("../apps/voice-ivr/src/index.js"),
    import("../packages/sandbox/dist/index.js"),
    import("../apps/voice-agent/src/index.js"),
  ]);
} catch (error) {
  console.error(`demo failed before it started: ${error instanceof Error ? error.message : String(error)}`);
  console.error("Run `npm run demo` from the repository root: it installs the workspace and builds the packages first.");
  process.exit(1);
}
const [{ runSendSms, formatTimeline }, { createAutoreplyApp, createConversationsAutoreplyApp, setUpConversations }, { createIvrApp, formatTranscript }, { startSandbox }, { createVoiceAgent, formatConversation }] = apps;

const CALLER = "+15558675310";
const KEEP = process.argv.includes("--keep") || process.env.TWILIO_KIT_DEMO_KEEP === "1";
const startedMs = Date.now();

// A demo that hangs is worse than one that fails: give up loudly well before anyone wonders.
const watchdog = setTimeout(() => {
  console.error("\ndemo failed: no result after 60 s");
  process.exit(1);
}, 60_000);
watchdog.unref();

/** Opens a node:http server on a free 127.0.0.1 port; resolves with its URL and a close function. */
async function listen(server) {
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Points the sandbox number's webhooks at an app, through the REST API as with real Twilio. */
async function pointNumberAt(twilio, phoneNumber, urls) {
  const page = await twilio.incomingPhoneNumbers.list({ PhoneNumber: phoneNumber });
  const sid = page.incoming_phone_numbers?.[0]?.sid;
  if (!sid) throw new Error(`${phoneNumber} is not a number of the sandbox account`);
  await twilio.incomingPhoneNumbers.update({ Sid: sid, ...urls });
}

let step = "starting the sandbox";
const cleanups = [];
try {
  const sandbox = await startSandbox({ clock: "manual" });
  cleanups.push(() => sandbox.stop());
  const twilio = await sandbox.client();
  // Virtual time of the latest sandbox event, to put each step of the timeline on the sandbox's clock.
  let virtualNowMs = 0;
  cleanups.push(sandbox.onEvent((event) => (virtualNowMs = event.at)));
  /** `+1.4 s` since `originMs` on the virtual clock. */
  const since = (originMs, atMs = virtualNowMs) => `+${((atMs - originMs) / 1000).toFixed(1)} s`.padStart(7);
  console.log("twilio-kit demo: the sample apps of apps/ against a local Twilio-compatible sandbox");
  console.log(`sandbox  ${sandbox.url}  account ${sandbox.accountSid}  number ${sandbox.phoneNumber}  clock manual`);
  console.log(`console  ${sandbox.url}/  (open it in a browser: phones, webhooks, clock)\n`);

  step = "1 send-sms";
  console.log("1. send-sms: @twilio-kit/core sends an SMS, status callbacks arrive at a local server,");
  console.log("   each checked by @twilio-kit/webhooks against the sandbox's auth token");
  console.log(`   POST Messages.json  From=${sandbox.phoneNumber} To=${CALLER} Body="Hello from twilio-kit"`);
  let sentOriginMs;
  const sent = await runSendSms({
    twilio,
    authToken: sandbox.authToken,
    from: sandbox.phoneNumber,
    to: CALLER,
    // The manual clock moves only when told: queued → sending → sent → delivered, callbacks awaited.
    afterSend: () => sandbox.advance(10_000),
    onEntry: (entry) => {
      sentOriginMs ??= virtualNowMs;
      console.log(`   ${since(sentOriginMs)}  ${formatTimeline([entry])[0]}`);
    },
  });
  const final = sent.timeline.at(-1);
  if (final?.status !== "delivered") throw new Error(`the message ended ${final?.status}, not delivered`);
  if (!sent.timeline.filter((e) => e.source === "callback").every((e) => e.signatureVerified)) throw new Error("a callback was not verified");
  console.log(`   ${sent.sid} delivered\n`);

  step = "2 sms-autoreply";
  console.log("2. sms-autoreply: an Express app validates the signed webhook and answers with MessagingResponse");
  const autoreply = await listen(createServer(createAutoreplyApp({ authToken: sandbox.authToken })));
  cleanups.push(autoreply.close);
  await pointNumberAt(twilio, sandbox.phoneNumber, { SmsUrl: `${autoreply.url}/sms` });
  console.log(`   ${sandbox.phoneNumber} SmsUrl = ${autoreply.url}/sms`);
  for (const body of ["HELP", "PHOTO"]) {
    const { replies, deliveries } = await sandbox.inboundSms({ from: CALLER, to: sandbox.phoneNumber, body });
    const webhook = deliveries[0];
    if (webhook?.status !== 200) throw new Error(`the app answered the "${body}" webhook with ${webhook?.status ?? "nothing"}`);
    const reply = replies[0];
    if (!reply) throw new Error(`no reply to "${body}"`);
    await sandbox.advance(10_000);
    const { status } = await twilio.messages.fetch({ Sid: String(reply.sid) });
    const media = Number(reply.num_media) > 0 ? ` + ${reply.num_media} media` : "";
    console.log(`   in   "${body}" from ${CALLER}: webhook POST /sms 200, signature verified by the app`);
    console.log(`   out  "${reply.body}"${media} (reply ${status})`);
  }
  console.log("");

  step = "2b sms-autoreply over Conversations";
  console.log("2b. the same bot over Conversations: the SMS opens a conversation, the app gets the signed");
  console.log("   onMessageAdded webhook and answers with a conversation message, delivered as SMS");
  const conversationsBot = await listen(createServer(createConversationsAutoreplyApp({ authToken: sandbox.authToken, twilio })));
  cleanups.push(conversationsBot.close);
  await setUpConversations(twilio, { appUrl: conversationsBot.url, phoneNumber: sandbox.phoneNumber });
  console.log(`   Conversations webhook = ${conversationsBot.url}/conversations, ${sandbox.phoneNumber} autocreates conversations`);
  const question = "Is the owl awake?";
  const { deliveries: conversationHooks } = await sandbox.inboundSms({ from: CALLER, to: sandbox.phoneNumber, body: question });
  const added = conversationHooks.find((delivery) => delivery.url === `${conversationsBot.url}/conversations`);
  if (added?.status !== 200) throw new Error(`the app answered onMessageAdded with ${added?.status ?? "nothing"}`);
  const newest = (await twilio.messages.list({ To: CALLER, PageSize: 1 })).messages?.[0];
  if (!newest?.sid || newest.direction !== "outbound-api") throw new Error("the conversation's answer did not go out as SMS");
  await sandbox.advance(10_000);
  const { status: answerStatus } = await twilio.messages.fetch({ Sid: newest.sid });
  console.log(`   in   "${question}" from ${CALLER}: onMessageAdded (Source=SMS) POST /conversations 200`);
  console.log(`   out  "${newest.body}" as SMS from ${newest.from} (${answerStatus})\n`);

  step = "3 voice-ivr";
  console.log("3. voice-ivr: a phone menu in TwiML (<Gather>, then <Say>, <Dial> or <Record>, then <Hangup>)");
  const ivr = await listen(createIvrApp({ authToken: sandbox.authToken }));
  cleanups.push(ivr.close);
  await pointNumberAt(twilio, sandbox.phoneNumber, { VoiceUrl: `${ivr.url}/voice` });
  console.log(`   ${sandbox.phoneNumber} VoiceUrl = ${ivr.url}/voice`);
  console.log(`   ${CALLER} calls ${sandbox.phoneNumber}, presses 1`);
  const call = await sandbox.inboundCall({ from: CALLER, to: sandbox.phoneNumber });
  await sandbox.advance(4_000); // the caller listens to part of the greeting before pressing 1
  await sandbox.sendDigits(call.sid, "1");
  await sandbox.advance(60_000); // long enough for every <Say> on the virtual clock
  const transcript = await sandbox.transcript(call.sid);
  const lines = formatTranscript(transcript);
  transcript.forEach((entry, i) => console.log(`   ${since(transcript[0].at, entry.at)}  ${lines[i]}`));
  const { status: callStatus } = await twilio.calls.fetch({ Sid: call.sid });
  if (callStatus !== "completed" || !transcript.some((s) => s.verb === "Hangup")) throw new Error(`the call ended ${callStatus} without <Hangup>`);
  const voiceHooks = (await sandbox.webhooks(call.sid)).filter((w) => w.kind === "voice");
  if (!voiceHooks.every((w) => w.status === 200)) throw new Error("a voice webhook was not answered with 200");
  console.log(`   ${voiceHooks.length} voice webhooks (${voiceHooks.map((w) => new URL(w.url).pathname).join(", ")}), signatures verified by the app\n`);

  step = "4 voice-agent";
  console.log("4. voice-agent: a rule-based voice agent over <Connect><ConversationRelay>, on a WebSocket the sandbox dials");
  const agent = await listen(createVoiceAgent({ authToken: sandbox.authToken }));
  cleanups.push(agent.close);
  await pointNumberAt(twilio, sandbox.phoneNumber, { VoiceUrl: `${agent.url}/voice` });
  console.log(`   ${sandbox.phoneNumber} VoiceUrl = ${agent.url}/voice, relay socket ${agent.url.replace("http", "ws")}/relay`);
  console.log(`   ${CALLER} calls, asks for the opening hours, then for a person`);
  const agentCall = await sandbox.inboundCall({ from: CALLER, to: sandbox.phoneNumber });
  // each sendSpeech resolves once the agent answered; the clock moves past the agent's speech first
  for (const said of ["When are you open?", "Can I talk to a person?"]) {
    await sandbox.advance(10_000);
    await sandbox.sendSpeech(agentCall.sid, said);
  }
  const handoff = await sandbox.waitForWebhook({ url: `${agent.url}/handoff`, sid: agentCall.sid });
  await sandbox.advance(60_000);
  const conversation = await sandbox.transcript(agentCall.sid);
  const said = formatConversation(conversation);
  conversation.forEach((entry, i) => console.log(`   ${since(conversation[0].at, entry.at)}  ${said[i]}`));
  const { status: agentStatus } = await twilio.calls.fetch({ Sid: agentCall.sid });
  if (agentStatus !== "completed" || !handoff.params.HandoffData) throw new Error(`the agent call ended ${agentStatus}${handoff.params.HandoffData ? "" : " without a hand-off"}`);
  console.log(`   hand-off: /handoff got SessionStatus=${handoff.params.SessionStatus} HandoffData=${handoff.params.HandoffData}\n`);

  if (KEEP) {
    clearTimeout(watchdog);
    console.log(`demo ok. Keeping the sandbox and the apps running: open ${sandbox.url}/ to see the messages, calls and webhooks`);
    console.log("above, text the autoreply app from a handset, or call the voice agent. The clock is manual: move it from");
    console.log("the console's \"Account & clock\" page. Ctrl-C stops.");
    await new Promise((resolve) => process.once("SIGINT", resolve));
  }
  step = "stopping";
  for (const cleanup of cleanups.reverse()) await cleanup();
  const seconds = ((Date.now() - startedMs) / 1000).toFixed(1);
  console.log(`demo ok in ${seconds} s: message delivered, SMS answered (by webhook and through Conversations), call navigated and hung up, voice agent answered and handed off.`);
  console.log("Next: each app's README (apps/*/README.md) runs it against the sandbox or real Twilio with `npm start`.");
  if (!KEEP) console.log("`npm run demo -- --keep` keeps the sandbox running afterwards, to look around in its console.");
} catch (error) {
  console.error(`\ndemo failed at step ${step}: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof Error && error.stack) console.error(error.stack.split("\n").slice(1, 4).join("\n"));
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch {
      // Already failing: the first error is the one worth reading.
    }
  }
  process.exit(1);
}
