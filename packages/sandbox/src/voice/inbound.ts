// What the caller's side does: an inbound call to a number's VoiceUrl, DTMF digits and speech.
import type { Context } from "../engine/context.js";
import { toWire } from "../engine/context.js";
import { bareNumber } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER, SandboxHttpError } from "../http/errors.js";
import { findNumber } from "../numbers/number.js";
import { numberApplication, voiceTargetOf } from "../applications/application.js";
import { fetchTwiml } from "../outbound/twiml-fetch.js";
import { activeCall, callParams, insertCall, isLive, load, save } from "./call.js";
import { applicationError, completeGather, fetchDocument, runProgram } from "./interpreter.js";
import { answer } from "./lifecycle.js";
import { streamDigits, streamSpeech } from "./streams/hooks.js";

/** An inbound call as the control API and `inboundCall()` take it. */
export interface InboundCall {
  from: string;
  to: string;
}

/**
 * Rings an owned number from any caller: fetches its VoiceUrl with `CallStatus=ringing` and runs the
 * TwiML (a leading `<Reject>` leaves the call unanswered). Resolves once the first document ran.
 * @throws SandboxHttpError 404 when `to` is not owned, 400 when it has no VoiceUrl
 */
export async function deliverInboundCall(ctx: Context, input: InboundCall): Promise<Record<string, unknown>> {
  if (typeof input.from !== "string" || !input.from) throw badRequest(21213, "A 'From' is required.");
  if (typeof input.to !== "string" || !input.to) throw badRequest(21201, "A 'To' is required.");
  const number = findNumber(ctx, bareNumber(input.to));
  if (!number) throw new SandboxHttpError(404, 20404, `${input.to} is not a number owned by any sandbox account`);
  // a number with a VoiceApplicationSid hands its calls to that TwiML App's URLs and status callback
  const app = numberApplication(ctx, number.account_sid, number.voice_application_sid);
  const target = app ? voiceTargetOf(app) : undefined;
  if (!(target ? target.url : number.voice_url)) throw badRequest(INVALID_PARAMETER, `${input.to} has no VoiceUrl${app ? ` (its application ${app.sid} has none)` : ""}`);
  const doc = insertCall(ctx, {
    accountSid: number.account_sid,
    to: input.to,
    from: input.from,
    direction: "inbound",
    ...(target ?? {
      url: number.voice_url,
      method: number.voice_method,
      fallbackUrl: number.voice_fallback_url,
      fallbackMethod: number.voice_fallback_method,
      statusCallback: number.status_callback || null,
      statusCallbackMethod: number.status_callback_method,
    }),
    phoneNumberSid: number.sid,
    status: "ringing",
  });
  const gen = doc._gen;
  const fetched = await fetchTwiml(ctx, {
    kind: "voice",
    ref: doc.sid,
    accountSid: doc.account_sid,
    url: doc._url!,
    method: doc._method,
    params: callParams(doc, "ringing"),
    isCurrent: () => isLive(ctx, doc.sid, gen),
  });
  const fresh = load(ctx, doc.sid)!;
  if (fetched.kind === "stale") return toWire(fresh);
  if (fetched.kind === "failed") {
    // any failure (HTTP, Content-Type, parse) moves on to VoiceFallbackUrl; with none the call is never answered
    if (fresh._fallbackUrl) {
      answer(ctx, fresh);
      await fetchDocument(ctx, fresh, fresh._fallbackUrl, fresh._fallbackMethod, {});
    } else {
      await applicationError(ctx, fresh);
    }
    return toWire(load(ctx, doc.sid)!);
  }
  const root = fetched.root!;
  // a leading <Reject> never answers the call
  if (root.children[0]?.type !== "Reject") answer(ctx, fresh);
  await runProgram(ctx, fresh, root, fresh._url, 1);
  return toWire(load(ctx, doc.sid)!);
}

/**
 * Sends DTMF digits to a call (consumed by the active `<Gather>`, or buffered for the next one).
 * @throws SandboxHttpError 404/409 for an unknown or ended call, 400 for digits outside 0-9, *, #, w
 */
export async function sendDigits(ctx: Context, sid: string, digits: string): Promise<void> {
  const doc = activeCall(ctx, sid);
  if (typeof digits !== "string" || !/^[0-9*#wW]+$/.test(digits)) throw badRequest(INVALID_PARAMETER, "Digits must be made of 0-9, *, # and w");
  // a ConversationRelay session takes the keys; Media Streams see them and the TwiML still does
  if (await streamDigits(ctx, doc, digits)) return;
  if (doc._gather && doc._gather.input.includes("dtmf")) return completeGather(ctx, doc, { digits });
  doc._pendingDigits += digits;
  save(ctx, doc);
}

/**
 * Sends a speech result to a call's `<Gather input="speech">`.
 * @throws SandboxHttpError 404/409 for an unknown or ended call, 400 for an empty speech result
 */
export async function sendSpeech(ctx: Context, sid: string, speech: string): Promise<void> {
  const doc = activeCall(ctx, sid);
  if (typeof speech !== "string" || !speech) throw badRequest(INVALID_PARAMETER, "SpeechResult must be a non-empty string");
  // a ConversationRelay session turns it into a prompt (and resolves once the app answered)
  if (await streamSpeech(ctx, doc, speech)) return;
  if (doc._gather && doc._gather.input.includes("speech")) return completeGather(ctx, doc, { speech });
  doc._pendingSpeech = speech;
  save(ctx, doc);
}
