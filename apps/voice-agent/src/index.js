// A voice agent over ConversationRelay on node:http and `ws`, with rule-based replies (no AI service).
// Twilio (or the sandbox) POSTs to /voice when the number rings; the answer connects the call to this
// server's WebSocket, where Twilio sends what the caller says as text and speaks the text sent back.
//
//   POST /voice    <Connect action="/handoff"><ConversationRelay url="ws(s)://…/relay" welcomeGreeting="…"/>
//   WS   /relay    setup → (greeting is spoken by Twilio) · prompt → streamed text tokens · dtmf 0 → hand-off
//                  "person"/"help" → answer, then {type:"end", handoffData} · "bye" → answer, then end
//   POST /handoff  with HandoffData: <Say>, <Dial> a person · without: <Say> goodbye, <Hangup>
//
// Every HTTP request and the WebSocket handshake must carry a valid X-Twilio-Signature.
import { createServer } from "node:http";
import { verifyTwilioSignature } from "@twilio-kit/webhooks";
import { withTwilioSignatureNode } from "@twilio-kit/webhooks/node";
import { WebSocketServer } from "ws";

export const GREETING = "Hi, this is the Owl Hardware assistant. Ask me about opening hours or an order, or ask for a person.";

/**
 * What the agent says to one caller utterance, and whether the session ends after it.
 * @param {string} said the caller's words (a ConversationRelay `prompt`'s `voicePrompt`)
 * @returns {{ text: string, end?: { handoff?: { reasonCode: string, reason: string } } }}
 */
export function reply(said) {
  const text = said.toLowerCase();
  if (/\b(person|human|someone|agent|help)\b/.test(text)) {
    return { text: "Of course. I am passing you to a person now.", end: { handoff: { reasonCode: "live-agent-handoff", reason: `caller said: ${said}` } } };
  }
  if (/\b(bye|goodbye|thanks|thank you)\b/.test(text)) return { text: "Thanks for calling Owl Hardware. Goodbye!", end: {} };
  if (/\b(open|opening|hours|close)\b/.test(text)) return { text: "We are open Monday to Friday, from 9 AM to 5 PM." };
  if (/\b(order|delivery|parcel|shipping)\b/.test(text)) return { text: "Orders ship within two working days. You will get a text with the tracking link." };
  return { text: "Sorry, I can help with opening hours and orders, or pass you to a person." };
}

/**
 * Escapes text for an XML attribute value (the TwiML builder has no `<Connect>` yet).
 * @param {string} value
 */
function attribute(value) {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The TwiML that connects a call to the agent's WebSocket.
 * @param {string} relayUrl the agent's `ws://` or `wss://` URL
 */
export function connectTwiml(relayUrl) {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><Response><Connect action="/handoff">` +
    `<ConversationRelay url="${attribute(relayUrl)}" welcomeGreeting="${attribute(GREETING)}" dtmfDetection="true"/>` +
    `</Connect></Response>`
  );
}

/**
 * After the session: a hand-off dials a person, anything else says goodbye.
 * @param {string | undefined} handoffData `HandoffData` of the `<Connect action>` request
 * @param {string} personNumber who a hand-off dials
 */
export function afterSession(handoffData, personNumber) {
  const body = handoffData
    ? `<Say>Connecting you to a person.</Say><Dial>${attribute(personNumber)}</Dial><Say>Thanks for calling. Goodbye!</Say>`
    : "<Say>Goodbye!</Say><Hangup/>";
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;
}

/**
 * Runs one ConversationRelay session: answers prompts with streamed tokens, hands off on request.
 * @param {import("ws").WebSocket} socket
 */
export function runSession(socket) {
  /** @param {Record<string, unknown>} message */
  const send = (message) => socket.send(JSON.stringify(message));
  /** @param {ReturnType<typeof reply>} answer */
  const answer = (answer) => {
    // stream word by word, as an LLM would: Twilio starts speaking before the last token
    const words = answer.text.split(" ");
    words.forEach((word, i) => send({ type: "text", token: i === 0 ? word : ` ${word}`, last: i === words.length - 1 }));
    if (answer.end) send(answer.end.handoff ? { type: "end", handoffData: JSON.stringify(answer.end.handoff) } : { type: "end" });
  };
  socket.on("message", (data) => {
    let message;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (message.type === "prompt" && typeof message.voicePrompt === "string") answer(reply(message.voicePrompt));
    // 0 on the keypad is the universal "operator" key
    else if (message.type === "dtmf" && message.digit === "0") answer(reply("person"));
    else if (message.type === "error") console.error(`ConversationRelay error: ${message.description}`);
  });
}

/**
 * @typedef {object} AgentOptions
 * @property {string | string[]} authToken the account's auth token (a list while rotating tokens)
 * @property {string} [publicUrl] the public origin Twilio calls (`https://abc.ngrok.app`); without it
 *   signatures are checked against the Host header, right when Twilio (or the sandbox) calls directly
 * @property {string} [personNumber] the number a hand-off dials (default +15558675399)
 */

/**
 * A node:http server (not listening yet) with the TwiML webhooks and the ConversationRelay socket.
 * @param {AgentOptions} options
 * @returns {import("node:http").Server}
 * @example
 * createVoiceAgent({ authToken: process.env.TWILIO_AUTH_TOKEN, publicUrl: "https://abc.ngrok.app" }).listen(3000);
 */
export function createVoiceAgent({ authToken, publicUrl, personNumber = "+15558675399" }) {
  /** @param {import("node:http").IncomingMessage} request */
  const origin = (request) => publicUrl ?? `http://${request.headers.host}`;
  const handle = withTwilioSignatureNode(
    (request, response, { params }) => {
      const path = new URL(request.url ?? "/", "http://localhost").pathname;
      let body;
      if (path === "/voice") body = connectTwiml(`${origin(request).replace(/^http/, "ws")}/relay`);
      else if (path === "/handoff") body = afterSession(typeof params.HandoffData === "string" ? params.HandoffData : undefined, personNumber);
      if (body === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { "content-type": "text/xml" }).end(body);
    },
    { authToken, baseUrl: publicUrl },
  );
  const server = createServer((request, response) => {
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
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on("upgrade", async (request, socket, head) => {
    // the handshake is signed like a GET: over the ws(s):// URL, with no parameters
    const url = `${origin(request).replace(/^http/, "ws")}${request.url ?? "/"}`;
    const signature = String(request.headers["x-twilio-signature"] ?? "");
    const tokens = Array.isArray(authToken) ? authToken : [authToken];
    const checks = await Promise.all(tokens.map((token) => verifyTwilioSignature({ authToken: token, signature, url, params: {} })));
    if (new URL(url).pathname !== "/relay" || !checks.some((check) => check.ok)) {
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => runSession(ws));
  });
  server.on("close", () => sockets.close());
  return server;
}

/**
 * One step of a call's transcript as the sandbox reports it (`sandbox.transcript(callSid)`).
 * @typedef {{ verb: string, text?: string, speech?: string, digits?: string, to?: string, status?: string, note?: string }} TranscriptStep
 */

/**
 * The conversation as readable lines: what the agent said, what the caller said, how it ended.
 * @param {TranscriptStep[]} transcript
 * @returns {string[]}
 */
export function formatConversation(transcript) {
  return transcript.flatMap((step) => {
    if (step.verb === "ConversationRelay" && step.speech !== undefined) return [`caller   "${step.speech}"`];
    if (step.verb === "ConversationRelay" && step.note === "interrupted") return [`agent    (interrupted after "${step.text}")`];
    if (step.verb === "ConversationRelay" && step.text !== undefined) return [`agent    "${step.text}"`];
    if (step.verb === "ConversationRelay" && step.digits !== undefined) return [`pressed  ${step.digits}`];
    if (step.verb === "ConversationRelay") return [`relay    ${step.note ?? ""}`.trimEnd()];
    if (step.verb === "Say") return [`heard    "${step.text}"`];
    if (step.verb === "Dial") return [`dialled  ${step.to} (${step.status})`];
    if (step.verb === "End") return [`call     ${step.status}`];
    return [`${step.verb.toLowerCase().padEnd(8)} ${step.text ?? step.note ?? ""}`.trimEnd()];
  });
}
