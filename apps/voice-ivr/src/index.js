// A phone menu on node:http. Twilio (or the sandbox) POSTs to /voice when the number rings; every
// answer is TwiML built with @twilio-kit/twiml, every request must carry a valid X-Twilio-Signature.
//
//   /voice        <Gather> "press 1, 2 or 3"            (no key pressed: <Say> goodbye, <Hangup>)
//   /menu         1: <Say> opening hours, <Hangup>
//                 2: <Say>, <Dial> the agent       → /after-dial: <Say> goodbye, <Hangup>
//                 3: <Say>, <Record> a message     → /recorded:   <Say> thanks, <Hangup>
//                 anything else: <Say> sorry, <Redirect> back to /voice
import { createServer } from "node:http";
import { VoiceResponse } from "@twilio-kit/twiml";
import { parseGather } from "@twilio-kit/webhooks";
import { withTwilioSignatureNode } from "@twilio-kit/webhooks/node";

export const GREETING = "Welcome to Owl Hardware. For opening hours, press 1. To talk to someone, press 2. To leave a message, press 3.";
export const HOURS = "We are open Monday to Friday, from 9 AM to 5 PM. Goodbye!";

/** The greeting: one digit, sent to /menu. Falls through to the goodbye when nothing is pressed. */
export function menu() {
  const response = new VoiceResponse();
  // Relative URLs resolve against the URL of this document, as in a browser.
  response.gather({ input: ["dtmf"], numDigits: 1, action: "/menu", method: "POST", timeout: 5 }).say(GREETING);
  response.say("We did not receive any input. Goodbye!");
  response.hangup();
  return response;
}

/**
 * The branch for the digit the caller pressed.
 * @param {string | undefined} digits `Digits` from the Gather callback
 * @param {string} agentNumber who `<Dial>` calls for option 2
 */
export function choose(digits, agentNumber) {
  const response = new VoiceResponse();
  if (digits === "1") {
    response.say(HOURS).hangup();
  } else if (digits === "2") {
    response.say("Connecting you now.");
    response.dial({ action: "/after-dial", method: "POST", timeout: 20 }).number(agentNumber);
  } else if (digits === "3") {
    response.say("Leave your message after the beep, then hang up or press the pound key.");
    response.record({ action: "/recorded", method: "POST", maxLength: 60, finishOnKey: "#", playBeep: true });
  } else {
    response.say("Sorry, that is not an option.").redirect({ method: "POST" }, "/voice");
  }
  return response;
}

/**
 * After `<Dial>`: Twilio reports how the dialled call went.
 * @param {string | undefined} dialCallStatus `DialCallStatus`: completed, busy, no-answer, failed, canceled
 */
export function afterDial(dialCallStatus) {
  const response = new VoiceResponse();
  if (dialCallStatus === "completed") response.say("Thank you for calling Owl Hardware. Goodbye!");
  else response.say("Nobody is available right now. Please call again later. Goodbye!");
  return response.hangup();
}

/** After `<Record>`: the recording exists (its URL is in `RecordingUrl`). */
export function recorded() {
  return new VoiceResponse().say("Thank you, we got your message. Goodbye!").hangup();
}

/**
 * @typedef {object} IvrOptions
 * @property {string | string[]} authToken the account's auth token (a list while rotating tokens)
 * @property {string} [publicUrl] the public origin Twilio calls (`https://abc.ngrok.app`); without it the
 *   signature is checked against the Host header, which is right when Twilio (or the sandbox) calls this server directly
 * @property {string} [agentNumber] the number option 2 dials (default +15558675399)
 */

/**
 * A node:http server (not listening yet) answering the menu's webhooks with TwiML.
 * @param {IvrOptions} options
 * @returns {import("node:http").Server}
 * @example
 * createIvrApp({ authToken: process.env.TWILIO_AUTH_TOKEN, publicUrl: "https://abc.ngrok.app" }).listen(3000);
 */
export function createIvrApp({ authToken, publicUrl, agentNumber = "+15558675399" }) {
  /** @type {Record<string, (params: Record<string, string | string[]>) => VoiceResponse>} */
  const routes = {
    "/voice": () => menu(),
    "/menu": (params) => choose(parseGather(params).Digits, agentNumber),
    "/after-dial": (params) => afterDial(typeof params.DialCallStatus === "string" ? params.DialCallStatus : undefined),
    "/recorded": () => recorded(),
  };
  const handle = withTwilioSignatureNode(
    (request, response, { params }) => {
      const route = routes[new URL(request.url ?? "/", "http://localhost").pathname];
      if (!route) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { "content-type": "text/xml" }).end(route(params).toString());
    },
    { authToken, baseUrl: publicUrl },
  );
  return createServer((request, response) => {
    if (request.method !== "POST") {
      response.writeHead(405, { allow: "POST" }).end();
      return;
    }
    handle(request, response).catch((/** @type {unknown} */ error) => {
      console.error(error);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
}

/**
 * One step of a call's transcript as the sandbox reports it (`sandbox.transcript(callSid)`).
 * @typedef {{ verb: string, text?: string, digits?: string, speech?: string, to?: string, status?: string, url?: string, note?: string }} TranscriptStep
 */

/**
 * The caller's side of a call as readable lines: what they heard, pressed, and how it ended.
 * @param {TranscriptStep[]} transcript
 * @returns {string[]}
 */
export function formatTranscript(transcript) {
  return transcript.flatMap((step) => {
    if (step.verb === "Say") return [`heard    "${step.text}"`];
    if (step.verb === "Gather" && step.digits !== undefined) return [`pressed  ${step.digits}`];
    if (step.verb === "Gather" && step.speech !== undefined) return [`said     "${step.speech}"`];
    if (step.verb === "Gather") return [`menu     ${step.note ?? "waiting"}`];
    if (step.verb === "Dial") return [`dialled  ${step.to} (${step.status})`];
    if (step.verb === "Record") return [`recorded a message`];
    if (step.verb === "Redirect") return [`back to  ${step.url ?? "the menu"}`];
    if (step.verb === "Hangup") return ["hung up"];
    if (step.verb === "End") return [`call     ${step.status}`];
    return [`${step.verb.toLowerCase().padEnd(8)} ${step.text ?? step.note ?? ""}`.trimEnd()];
  });
}
