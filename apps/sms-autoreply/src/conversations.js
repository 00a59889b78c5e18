// The same keyword bot over Twilio Conversations: instead of answering the number's SMS webhook with
// TwiML, it receives the Conversations `onMessageAdded` post-event webhook (signed like any Twilio
// webhook) and answers by adding a message to the conversation through the REST API; Conversations
// delivers that message to the handset as an SMS from the conversation's proxy number.
import express from "express";
import { twilioWebhook } from "@twilio-kit/webhooks/express";
import { replyContent } from "./index.js";

/** Who the bot's messages are from, in the conversation. */
export const BOT_AUTHOR = "autoreply-bot";

/**
 * @typedef {object} ConversationsAutoreplyOptions
 * @property {string | string[]} authToken the account's auth token (a list while rotating tokens)
 * @property {import("@twilio-kit/core").Twilio} twilio a `@twilio-kit/core` client of the same account
 * @property {string} [publicUrl] the public origin Twilio calls; without it the Host header is used
 */

/**
 * An Express app answering `POST /conversations` (the post-event webhook URL, with `onMessageAdded`
 * in its Filters): a message that came in by SMS gets the bot's answer as a new conversation message.
 * @param {ConversationsAutoreplyOptions} options
 * @returns {import("express").Express}
 * @example
 * createConversationsAutoreplyApp({ authToken, twilio: createTwilio({ accountSid, authToken }) }).listen(3000);
 */
export function createConversationsAutoreplyApp({ authToken, twilio, publicUrl }) {
  const app = express();
  app.post("/conversations", twilioWebhook({ authToken, baseUrl: publicUrl }), async (request, response, next) => {
    const event = /** @type {Record<string, string>} */ (request.body);
    // Only what people text in. The bot's own messages are REST actions, which Twilio reports only
    // with X-Twilio-Webhook-Enabled: true, so they never come back here and the bot cannot loop.
    if (event.EventType !== "onMessageAdded" || event.Source !== "SMS") {
      response.sendStatus(200);
      return;
    }
    try {
      const media = event.Media ? /** @type {unknown[]} */ (JSON.parse(event.Media)) : [];
      const { text, mediaUrl } = replyContent({ Body: event.Body ?? "", NumMedia: media.length });
      // A conversation message carries media as uploaded Media SIDs, not URLs: the link goes in the text.
      await twilio.request("POST /conversations/v1/Conversations/{ConversationSid}/Messages", {
        ConversationSid: String(event.ConversationSid),
        Author: BOT_AUTHOR,
        Body: mediaUrl ? `${text} ${mediaUrl}` : text,
      });
      response.sendStatus(200);
    } catch (error) {
      next(error);
    }
  });
  return app;
}

/**
 * Sets up Conversations for the bot: the account's post-event webhook (`onMessageAdded`) points at
 * `${appUrl}/conversations`, and an Address Configuration on `phoneNumber` autocreates a conversation
 * for every new sender, so any SMS to that number reaches the bot.
 * @param {import("@twilio-kit/core").Twilio} twilio
 * @param {{ appUrl: string, phoneNumber: string }} options
 */
export async function setUpConversations(twilio, { appUrl, phoneNumber }) {
  await twilio.request("POST /conversations/v1/Configuration/Webhooks", {
    PostWebhookUrl: `${appUrl}/conversations`,
    Method: "POST",
    Filters: ["onMessageAdded"],
  });
  const existing = await twilio.request("GET /conversations/v1/Configuration/Addresses", { Type: "sms" });
  if (existing.address_configurations?.some((config) => config.address === phoneNumber)) return;
  await twilio.request("POST /conversations/v1/Configuration/Addresses", {
    Type: "sms",
    Address: phoneNumber,
    "AutoCreation.Enabled": true,
    "AutoCreation.Type": "default",
  });
}
