// An SMS keyword bot as an Express app: every request must carry a valid X-Twilio-Signature (checked
// by @twilio-kit/webhooks before the body is parsed), and every answer is TwiML built with
// @twilio-kit/twiml. Point a number's messaging webhook ("A message comes in") at POST /sms.
import express from "express";
import { MessagingResponse } from "@twilio-kit/twiml";
import { parseIncomingMessage } from "@twilio-kit/webhooks";
import { twilioWebhook } from "@twilio-kit/webhooks/express";

/** The picture sent for PHOTO: Twilio fetches it when it sends the MMS. */
export const PHOTO_URL = "https://demo.twilio.com/owl.png";

export const HELP_TEXT = "Autoreply bot: send PHOTO for a picture of an owl, or any other text and I will echo it. Reply STOP to unsubscribe.";

/**
 * What the bot answers to one incoming message (HELP, PHOTO, a picture, or an echo), whatever the channel.
 * @param {{ Body: string, NumMedia?: number }} message
 * @returns {{ text: string, mediaUrl?: string }}
 * @example
 * replyContent({ Body: "photo" }); // { text: "Here is an owl.", mediaUrl: PHOTO_URL }
 */
export function replyContent({ Body, NumMedia = 0 }) {
  const keyword = Body.trim().toUpperCase();
  if (keyword === "HELP") return { text: HELP_TEXT };
  if (keyword === "PHOTO") return { text: "Here is an owl.", mediaUrl: PHOTO_URL };
  if (keyword === "" && NumMedia > 0) return { text: `Thanks for the ${NumMedia === 1 ? "picture" : `${NumMedia} pictures`}!` };
  if (keyword === "") return { text: "Send HELP for the list of commands." };
  return { text: `You said: ${Body.trim()}` };
}

/**
 * The TwiML answer to one incoming message: HELP, PHOTO (an MMS reply), or an echo.
 * @param {{ Body: string, NumMedia?: number }} message the parsed webhook (`parseIncomingMessage`)
 * @returns {MessagingResponse}
 * @example
 * replyTo({ Body: "help" }).toString(); // <?xml …?><Response><Message>Autoreply bot: …</Message></Response>
 */
export function replyTo(message) {
  const response = new MessagingResponse();
  const { text, mediaUrl } = replyContent(message);
  const reply = response.message(text);
  if (mediaUrl) reply.media(mediaUrl);
  return response;
}

/**
 * @typedef {object} AutoreplyOptions
 * @property {string | string[]} authToken the account's auth token (a list while rotating tokens)
 * @property {string} [publicUrl] the public origin Twilio calls (`https://abc.ngrok.app`); without it the
 *   signature is checked against the Host header, which is right when Twilio (or the sandbox) calls this server directly
 */

/**
 * An Express app answering `POST /sms` with TwiML; 400/403 for requests without a valid signature.
 * @param {AutoreplyOptions} options
 * @returns {import("express").Express}
 * @example
 * createAutoreplyApp({ authToken: process.env.TWILIO_AUTH_TOKEN, publicUrl: "https://abc.ngrok.app" }).listen(3000);
 */
export function createAutoreplyApp({ authToken, publicUrl }) {
  const app = express();
  // Mounted before any body parser: the middleware reads the raw form body it has to verify.
  app.post("/sms", twilioWebhook({ authToken, baseUrl: publicUrl }), (request, response) => {
    // The middleware decoded the form into req.body after checking the signature.
    const message = parseIncomingMessage(/** @type {Record<string, string>} */ (request.body));
    response.type("text/xml").send(replyTo(message).toString());
  });
  return app;
}

export { BOT_AUTHOR, createConversationsAutoreplyApp, setUpConversations } from "./conversations.js";
