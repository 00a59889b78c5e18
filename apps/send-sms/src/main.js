#!/usr/bin/env node
// `npm start [-- TO [BODY]]`: sends an SMS and prints its timeline until a final status.
// Without TWILIO_ACCOUNT_SID it starts a local sandbox (no account, nothing leaves the machine); with
// TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER and PUBLIC_URL it sends through Twilio.
import { createTwilio } from "@twilio-kit/core";
import { startSandbox } from "@twilio-kit/sandbox";
import { formatTimeline, runSendSms } from "./index.js";

const env = process.env;
const [to = env.TO ?? "+15558675310", body = "Hello from twilio-kit"] = process.argv.slice(2);

let sandbox;
let options;
if (env.TWILIO_ACCOUNT_SID) {
  for (const name of ["TWILIO_AUTH_TOKEN", "TWILIO_PHONE_NUMBER", "PUBLIC_URL"]) {
    if (!env[name]) throw new Error(`${name} is required with TWILIO_ACCOUNT_SID (see README.md)`);
  }
  options = {
    twilio: createTwilio(), // TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN from the environment
    authToken: /** @type {string} */ (env.TWILIO_AUTH_TOKEN),
    from: /** @type {string} */ (env.TWILIO_PHONE_NUMBER),
    publicUrl: env.PUBLIC_URL, // e.g. https://abc.ngrok.app, forwarding to PORT
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? "127.0.0.1",
  };
  console.log(`Twilio: sending from ${options.from} to ${to}; status callbacks to ${env.PUBLIC_URL}/status`);
} else {
  sandbox = await startSandbox(); // real clock: sent after ~0.5 s, delivered after ~1.5 s
  options = { twilio: await sandbox.client(), authToken: sandbox.authToken, from: sandbox.phoneNumber };
  console.log(`Sandbox at ${sandbox.url} (no Twilio account needed): sending from ${sandbox.phoneNumber} to ${to}`);
}

try {
  const { sid, timeline } = await runSendSms({
    ...options,
    to,
    body,
    onEntry: (entry) => console.log(`  ${formatTimeline([entry])[0]}`),
  });
  const last = /** @type {import("./index.js").TimelineEntry} */ (timeline.at(-1));
  if (last.status === "delivered") console.log(`${sid} delivered`);
  else {
    const code = last.errorCode;
    console.error(`${sid} ${last.status}${code ? `: error ${code}, https://www.twilio.com/docs/api/errors/${code}` : ""}`);
    process.exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await sandbox?.stop();
}
