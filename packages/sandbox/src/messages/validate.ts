// Twilio's business rules for a new outbound message, and its scheduling parameters.
import type { Context } from "../engine/context.js";
import { bareNumber, first, isE164, isHttpUrl } from "../engine/util.js";
import { badRequest } from "../http/errors.js";
import { isLandline } from "../lookup/line-type.js";
import { senderOf } from "../messaging-services/senders.js";
import { findNumber } from "../numbers/number.js";
import { optOutKey } from "./message.js";

// Twilio's magic test numbers: the same inputs give the same errors as with test credentials.
/** Twilio's magic test `From` numbers and the errors they answer with. */
export const MAGIC_FROM: Record<string, [number, string]> = {
  "+15005550001": [21212, "The 'From' number +15005550001 is not a valid phone number, shortcode, or alphanumeric sender ID."],
  "+15005550007": [21606, "The 'From' phone number provided (+15005550007) is not a valid message-capable Twilio phone number for this destination/account."],
  "+15005550008": [21611, "This 'From' number has exceeded the maximum number of queued messages."],
};
/** Twilio's magic test `To` numbers and the errors they answer with. */
export const MAGIC_TO: Record<string, [number, string]> = {
  "+15005550001": [21211, "The 'To' number +15005550001 is not a valid phone number."],
  "+15005550002": [21612, "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number via SMS."],
  "+15005550003": [21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +15005550003."],
  "+15005550004": [21610, "Attempt to send to unsubscribed recipient"],
  "+15005550009": [21614, "'To' number is not a valid mobile number"],
};

/** Whether `from` is an alphanumeric sender ID (1–11 letters, digits, spaces; at least one letter). */
export function isAlphanumericSender(from: string): boolean {
  return /^[A-Za-z0-9 ]{1,11}$/.test(from) && /[A-Za-z]/.test(from);
}

/**
 * Twilio's business rules for a new outbound message, in Twilio's order. Returns the sender: `From`,
 * or the one a Messaging Service picked from its pool.
 * @throws SandboxHttpError 400 with Twilio's code (21602, 21603, 21604, 21606, 21610, 21617, 21620, 21623, …)
 */
export function validateOutbound(ctx: Context, accountSid: string, to: string | undefined, from: string | undefined, body: string | undefined, mediaUrls: string[], params: Record<string, string[]>): string {
  if (!to) throw badRequest(21604, "A 'To' phone number is required.");
  const serviceSid = first(params, "MessagingServiceSid");
  if (!from && !serviceSid) throw badRequest(21603, "A 'From' phone number is required.");
  if (!body && mediaUrls.length === 0 && !first(params, "ContentSid")) throw badRequest(21602, "Message body is required.");
  if (serviceSid) from = senderOf(ctx, accountSid, serviceSid, to, from).from;
  const magicTo = MAGIC_TO[to];
  if (magicTo) throw badRequest(magicTo[0], magicTo[1]);
  if (!isE164(bareNumber(to))) throw badRequest(21211, `The 'To' number ${to} is not a valid phone number.`);
  // consistent with Lookup: a number whose line type is landline cannot receive SMS
  if (isLandline(ctx, bareNumber(to))) throw badRequest(21614, `'To' number ${to} is not a valid mobile number`);
  const magicFrom = MAGIC_FROM[from!];
  if (magicFrom) throw badRequest(magicFrom[0], magicFrom[1]);
  if (from !== "+15005550006" && !isAlphanumericSender(from!)) {
    const owned = findNumber(ctx, bareNumber(from!));
    if (!owned || owned.account_sid !== accountSid) {
      throw badRequest(21606, `The 'From' phone number provided (${from}) is not a valid message-capable Twilio phone number for this destination/account.`);
    }
  }
  if (bareNumber(to) === bareNumber(from!)) throw badRequest(21266, "'To' and 'From' number cannot be the same");
  if (body && body.length > 1600) throw badRequest(21617, "The concatenated message body exceeds the 1600 character limit.");
  if (mediaUrls.length > 10) throw badRequest(21623, "Number of media files exceeds allowed limit of 10");
  for (const url of mediaUrls) if (!isHttpUrl(url)) throw badRequest(21620, `Invalid media URL(s): ${url}`);
  if (ctx.store.meta(optOutKey(from!, to))) throw badRequest(21610, "Attempt to send to unsubscribed recipient");
  return from!;
}

/**
 * The `SendAt` time of a scheduled message (ms), or undefined when the message is not scheduled.
 * @throws SandboxHttpError 400 (35111, 35114) for a bad ScheduleType/SendAt pair or a time outside 15 minutes to 35 days ahead
 */
export function parseSendAt(params: Record<string, string[]>, nowMs: number): number | undefined {
  const sendAt = first(params, "SendAt");
  const scheduleType = first(params, "ScheduleType");
  if (sendAt === undefined && scheduleType === undefined) return undefined;
  if (scheduleType !== "fixed") throw badRequest(35111, "ScheduleType must be 'fixed' when SendAt is set");
  if (sendAt === undefined) throw badRequest(35111, "SendAt is required when ScheduleType is set");
  const ms = Date.parse(sendAt);
  if (Number.isNaN(ms)) throw badRequest(35111, `SendAt ${JSON.stringify(sendAt)} is not an ISO 8601 date-time`);
  // Twilio's window: at least 15 minutes and at most 35 days ahead
  if (ms < nowMs + 15 * 60_000 || ms > nowMs + 35 * 86_400_000) {
    throw badRequest(35114, "SendAt must be between 15 minutes and 35 days in the future");
  }
  return ms;
}
