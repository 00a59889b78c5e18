// Conference status callbacks (`statusCallbackEvent` start end join leave mute hold modify
// announcement) and the recording a recorded conference leaves when it ends.
import type { Context } from "../engine/context.js";
import type { Doc } from "../engine/store.js";
import { rfc2822 } from "../engine/util.js";
import { deliveryFailure, raiseAlert } from "../outbound/alerts.js";
import { loadConference, saveConference, type ConferenceDoc, type ParticipantDoc } from "./conference.js";

/** Which `statusCallbackEvent` word subscribes to each event Twilio sends. */
const EVENT_GROUP: Record<string, string> = {
  "conference-start": "start",
  "conference-end": "end",
  "participant-join": "join",
  "participant-leave": "leave",
  "participant-mute": "mute",
  "participant-unmute": "mute",
  "participant-hold": "hold",
  "participant-unhold": "hold",
  "participant-modify": "modify",
  "announcement-end": "announcement",
};
/** The words `statusCallbackEvent` takes (`speaker` is accepted; the sandbox has no audio to detect speech in). */
export const CONFERENCE_EVENTS = new Set(["start", "end", "join", "leave", "mute", "hold", "modify", "speaker", "announcement"]);

/** Parses `statusCallbackEvent` (space- or comma-separated); Twilio's default is `start end`. */
export function parseConferenceEvents(value: string | string[] | undefined): string[] {
  const words = (Array.isArray(value) ? value : [value ?? ""]).flatMap((item) => item.split(/[\s,]+/)).filter(Boolean);
  return words.length ? words.filter((word) => CONFERENCE_EVENTS.has(word)) : ["start", "end"];
}

/** Emits a conference event and posts it to the conference's status callback when subscribed. */
export async function conferenceEvent(ctx: Context, conferenceSid: string, event: string, participant?: ParticipantDoc, extra: Record<string, string> = {}): Promise<void> {
  const conf = loadConference(ctx, conferenceSid);
  if (!conf) return;
  const nowMs = ctx.clock.now();
  ctx.events.emit({ type: "conference.event", at: nowMs, sid: conf.sid, event, callSid: participant?.call_sid, accountSid: conf.account_sid });
  if (!conf._cb || !conf._events.includes(EVENT_GROUP[event] ?? "")) return;
  const params: Record<string, string> = {
    AccountSid: conf.account_sid,
    ConferenceSid: conf.sid,
    FriendlyName: conf.friendly_name,
    StatusCallbackEvent: event,
    SequenceNumber: String(++conf._seq),
    Timestamp: rfc2822(nowMs),
    ...extra,
  };
  if (participant) {
    params.CallSid = participant.call_sid;
    params.Muted = String(participant.muted);
    params.Hold = String(participant.hold);
    params.Coaching = String(participant.coaching);
    params.EndConferenceOnExit = String(participant.end_conference_on_exit);
    params.StartConferenceOnEnter = String(participant.start_conference_on_enter);
    if (participant.label) params.ParticipantLabel = participant.label;
    if (participant.call_sid_to_coach) params.CallSidToCoach = participant.call_sid_to_coach;
  }
  saveConference(ctx, conf);
  const delivery = await ctx.send({ kind: "conference-status", ref: conf.sid, accountSid: conf.account_sid, authToken: ctx.authTokenOf(conf.account_sid), url: conf._cb, method: conf._cbMethod, params });
  const failure = deliveryFailure(delivery);
  if (failure) raiseAlert(ctx, conf.account_sid, failure.code, `Conference status callback: ${failure.text}`, conf.sid, delivery, "warning");
}

/** Stores the recording of a conference recorded from its start, and posts its status callback. */
export async function recordConference(ctx: Context, conf: ConferenceDoc): Promise<void> {
  if (!conf._record || conf._startedMs === null) return;
  const sid = ctx.sid("RE");
  const nowMs = ctx.clock.now();
  const seconds = Math.max(0, Math.round((nowMs - conf._startedMs) / 1000));
  const uri = `/2010-04-01/Accounts/${conf.account_sid}/Recordings/${sid}`;
  const recording: Doc = {
    account_sid: conf.account_sid,
    api_version: "2010-04-01",
    call_sid: null,
    conference_sid: conf.sid,
    date_created: rfc2822(nowMs),
    date_updated: rfc2822(nowMs),
    start_time: rfc2822(conf._startedMs),
    duration: String(seconds),
    sid,
    price: "-0.00250",
    price_unit: "USD",
    status: "completed",
    channels: 1,
    source: "Conference",
    error_code: null,
    uri: `${uri}.json`,
    encryption_details: null,
    subresource_uris: { add_on_results: `${uri}/AddOnResults.json`, transcriptions: `${uri}/Transcriptions.json` },
    media_url: `https://api.twilio.com${uri}`,
  };
  ctx.store.insert("recording", recording, { account_sid: conf.account_sid, parent_sid: conf.sid, date_ms: nowMs });
  ctx.events.emit({ type: "recording.created", at: nowMs, sid, conferenceSid: conf.sid });
  if (!conf._recordingCb) return;
  const params = {
    AccountSid: conf.account_sid,
    ConferenceSid: conf.sid,
    RecordingSid: sid,
    RecordingUrl: `https://api.twilio.com${uri}`,
    RecordingStatus: "completed",
    RecordingDuration: String(seconds),
    RecordingChannels: "1",
    RecordingSource: "Conference",
    RecordingStartTime: rfc2822(conf._startedMs),
  };
  const delivery = await ctx.send({ kind: "recording-status", ref: conf.sid, accountSid: conf.account_sid, authToken: ctx.authTokenOf(conf.account_sid), url: conf._recordingCb, method: conf._recordingCbMethod, params });
  const failure = deliveryFailure(delivery);
  if (failure) raiseAlert(ctx, conf.account_sid, failure.code, `Conference recording status callback: ${failure.text}`, conf.sid, delivery, "warning");
}
