// `<Dial><Conference>`: joining (the conference made on demand), wait music while it has not
// started, the start once two are in and one may start it, leaving (hang-up, kick, end), and what
// every participant's transcript shows of the others.
import type { TwimlNode } from "@twilio-kit/twiml";
import { conferenceNamed, DEFAULT_MAX_PARTICIPANTS, insertParticipant, loadConference, participantOf, participantSid, participantsOf, saveConference, type ConferenceDoc, type ParticipantDoc } from "../../conferences/conference.js";
import { conferenceEvent, parseConferenceEvents, recordConference } from "../../conferences/events.js";
import type { Context } from "../../engine/context.js";
import { resolveUrl, rfc2822 } from "../../engine/util.js";
import { raiseAlert } from "../../outbound/alerts.js";
import { TWIML_ERRORS } from "../../outbound/twiml-fetch.js";
import { FINAL, load, save, type TranscriptEntry } from "../call.js";
import { fetchDocument, later, step } from "../interpreter.js";
import type { ConferenceCall, ConferenceStay } from "./conference-state.js";
import { DEFAULT_WAIT_MUSIC, DEFAULT_WAIT_SEC, MIN_WAIT_LOOP_MS } from "./enqueue.js";
import { hear } from "./hear.js";

type Heard = (entry: Omit<TranscriptEntry, "at">) => void;
type Beep = ParticipantDoc["_beep"];

function liveCall(ctx: Context, sid: string): ConferenceCall | undefined {
  const doc = load(ctx, sid) as ConferenceCall | undefined;
  return doc && !FINAL.has(doc.status) ? doc : undefined;
}

function beepOf(value: string | undefined): Beep {
  return value === "false" || value === "onEnter" || value === "onExit" ? value : "true";
}

/** Tells every other participant's transcript what happened (with a beep when the mover's `beep` says so). */
function tellOthers(ctx: Context, conferenceSid: string, exceptCallSid: string, name: string, note: string): void {
  for (const other of participantsOf(ctx, conferenceSid)) {
    if (other.call_sid === exceptCallSid) continue;
    const call = liveCall(ctx, other.call_sid);
    if (!call) continue;
    hear(ctx, call, { verb: "Conference", text: name, note });
    save(ctx, call);
  }
}

/**
 * Settings that belong to the conference rather than the participant: the first participant's
 * `maxParticipants` and `record`, and the first `statusCallback` given.
 */
function configure(conf: ConferenceDoc, n: Record<string, string>, base: string, isFirst: boolean): void {
  if (isFirst && conf.status === "init") {
    const max = Number(n.maxParticipants);
    conf._maxParticipants = Number.isInteger(max) && max >= 2 ? Math.min(max, DEFAULT_MAX_PARTICIPANTS) : DEFAULT_MAX_PARTICIPANTS;
    conf._record = n.record === "record-from-start";
    conf._recordingCb = n.recordingStatusCallback ? (resolveUrl(n.recordingStatusCallback, base) ?? null) : null;
    conf._recordingCbMethod = (n.recordingStatusCallbackMethod ?? "POST").toUpperCase();
  }
  if (n.statusCallback && !conf._cb) {
    conf._cb = resolveUrl(n.statusCallback, base) ?? null;
    conf._cbMethod = (n.statusCallbackMethod ?? "POST").toUpperCase();
    conf._events = parseConferenceEvents(n.statusCallbackEvent);
  }
}

/** Runs `<Dial><Conference>`: joins the named conference (or says why not and moves on). */
export async function startDialConference(ctx: Context, doc: ConferenceCall, verb: TwimlNode, noun: TwimlNode, heard: Heard): Promise<void> {
  const a = verb.attributes;
  const n = noun.attributes;
  const name = noun.text.trim();
  const base = doc._docUrl ?? "http://invalid.invalid/";
  if (!name) {
    heard({ verb: "Conference", note: "skipped: no conference name" });
    raiseAlert(ctx, doc.account_sid, TWIML_ERRORS.schemaWarning, "<Conference> needs a conference name", doc.sid, undefined, "warning");
    save(ctx, doc);
    return step(ctx, doc);
  }
  const conf = conferenceNamed(ctx, doc.account_sid, name);
  const present = participantsOf(ctx, conf.sid);
  configure(conf, n, base, present.length === 0);
  saveConference(ctx, conf);
  const stay: ConferenceStay = {
    conferenceSid: conf.sid,
    name,
    action: a.action ? (resolveUrl(a.action, base) ?? null) : null,
    method: (a.method ?? "POST").toUpperCase(),
    rest: doc._program,
    restDocUrl: doc._docUrl,
    waitUrl: n.waitUrl === undefined ? null : n.waitUrl === "" ? "" : (resolveUrl(n.waitUrl, base) ?? null),
    waitMethod: (n.waitMethod ?? "POST").toUpperCase(),
    holdUrl: null,
    holdMethod: "GET",
    joinedMs: ctx.clock.now(),
    loopMs: ctx.clock.now(),
  };
  if (present.length >= conf._maxParticipants) {
    heard({ verb: "Conference", text: name, status: "failed", note: `full (${conf._maxParticipants} participants)` });
    save(ctx, doc);
    return continueAfterConference(ctx, doc, stay, "failed");
  }
  const now = rfc2822(ctx.clock.now());
  const participant: ParticipantDoc = {
    sid: participantSid(doc.sid),
    account_sid: doc.account_sid,
    call_sid: doc.sid,
    conference_sid: conf.sid,
    label: n.participantLabel ?? null,
    muted: n.muted === "true",
    hold: false,
    coaching: Boolean(n.coach),
    call_sid_to_coach: n.coach ?? null,
    start_conference_on_enter: n.startConferenceOnEnter !== "false",
    end_conference_on_exit: n.endConferenceOnExit === "true",
    date_created: now,
    date_updated: now,
    _beep: beepOf(n.beep),
    _joinedMs: ctx.clock.now(),
  };
  insertParticipant(ctx, participant);
  doc._conf = stay;
  doc._program = [];
  const others = present.map((other) => load(ctx, other.call_sid)?.from ?? other.call_sid);
  heard({ verb: "Conference", text: name, note: others.length ? `joined, with ${others.join(", ")}${participant.muted ? " (muted)" : ""}` : `joined, alone${participant.muted ? " (muted)" : ""}` });
  save(ctx, doc);
  const beep = participant._beep === "true" || participant._beep === "onEnter" ? " (beep)" : "";
  tellOthers(ctx, conf.sid, doc.sid, name, `${doc.from} joined${beep}`);
  await conferenceEvent(ctx, conf.sid, "participant-join", participant);
  const all = participantsOf(ctx, conf.sid);
  if (conf.status === "init" && all.length >= 2 && all.some((item) => item.start_conference_on_enter)) return startConference(ctx, conf.sid);
  const fresh = liveCall(ctx, doc.sid);
  if (fresh) await playConferenceAudio(ctx, fresh);
}

/** Stops what a participant is hearing (wait or hold music, a wait document). */
export function stopAudio(ctx: Context, call: ConferenceCall): void {
  ctx.clock.cancel(call.sid);
  call._gen++;
  call._program = [];
  call._gather = null;
  save(ctx, call);
}

/** The conference starts: wait music stops for everyone, the recording (if any) begins. */
async function startConference(ctx: Context, conferenceSid: string): Promise<void> {
  const conf = loadConference(ctx, conferenceSid)!;
  conf.status = "in-progress";
  conf._startedMs = ctx.clock.now();
  saveConference(ctx, conf);
  for (const participant of participantsOf(ctx, conferenceSid)) {
    const call = liveCall(ctx, participant.call_sid);
    if (!call) continue;
    stopAudio(ctx, call);
    hear(ctx, call, { verb: "Conference", text: conf.friendly_name, note: conf._record ? "conference started (recording)" : "conference started" });
    save(ctx, call);
  }
  await conferenceEvent(ctx, conferenceSid, "conference-start");
}

/**
 * What a participant hears now: hold music when held, wait music while the conference has not
 * started (its `waitUrl` document, Twilio's default music, or silence for `waitUrl=""`), else nothing.
 */
export async function playConferenceAudio(ctx: Context, call: ConferenceCall): Promise<void> {
  const stay = call._conf;
  const participant = participantOf(ctx, call.sid);
  const conf = stay ? loadConference(ctx, stay.conferenceSid) : undefined;
  if (!stay || !participant || !conf || conf.status === "completed") return;
  stay.loopMs = ctx.clock.now();
  let url: string | null;
  let method: string;
  if (participant.hold) [url, method] = [stay.holdUrl, stay.holdMethod];
  else if (conf.status === "init") [url, method] = [stay.waitUrl, stay.waitMethod];
  else return save(ctx, call);
  if (url === "") return save(ctx, call);
  if (url === null) {
    hear(ctx, call, { verb: "Play", url: DEFAULT_WAIT_MUSIC, note: participant.hold ? "hold music" : "wait music" });
    save(ctx, call);
    later(ctx, call, DEFAULT_WAIT_SEC, "cfloop");
    return;
  }
  save(ctx, call);
  await fetchDocument(ctx, call, url, method, { ConferenceSid: conf.sid, FriendlyName: conf.friendly_name });
}

/** Called when a participant's document (wait or hold TwiML) runs out: it plays again; the call stays. */
export function continueConference(ctx: Context, call: ConferenceCall): boolean {
  const stay = call._conf;
  if (!stay) return false;
  const dueMs = Math.max(0, stay.loopMs + MIN_WAIT_LOOP_MS - ctx.clock.now());
  save(ctx, call);
  later(ctx, call, dueMs / 1000, "cfloop");
  return true;
}

/**
 * Takes a call out of its conference: `left` (it hung up), `kicked` (REST delete) or `ended` (the
 * conference ended). The others hear of it; an end-on-exit participant or the last one out ends the
 * conference; a call still up continues with its Dial `action` or the verbs after `<Dial>`.
 */
export async function leaveConference(ctx: Context, callSid: string, how: "left" | "kicked" | "ended"): Promise<void> {
  const participant = participantOf(ctx, callSid);
  if (!participant) return;
  ctx.store.remove("participant", participant.sid);
  const conf = loadConference(ctx, participant.conference_sid)!;
  const call = load(ctx, callSid) as ConferenceCall | undefined;
  const stay = call?._conf ?? null;
  const isLive = call !== undefined && !FINAL.has(call.status);
  if (call) {
    call._conf = null;
    if (isLive) hear(ctx, call, { verb: "Conference", text: conf.friendly_name, note: how === "kicked" ? "removed from the conference" : how === "ended" ? "conference ended" : "left" });
    save(ctx, call);
  }
  const beep = participant._beep === "true" || participant._beep === "onExit" ? " (beep)" : "";
  if (how !== "ended") tellOthers(ctx, conf.sid, callSid, conf.friendly_name, `${call?.from ?? callSid} ${how === "kicked" ? "was removed" : "left"}${beep}`);
  await conferenceEvent(ctx, conf.sid, "participant-leave", participant);
  if (conf.status !== "completed") {
    const remaining = participantsOf(ctx, conf.sid).length;
    if (participant.end_conference_on_exit) await endConference(ctx, conf.sid, how === "kicked" ? "participant-with-end-conference-on-exit-kicked" : "participant-with-end-conference-on-exit-left", callSid);
    else if (remaining === 0) await endConference(ctx, conf.sid, how === "kicked" ? "last-participant-kicked" : "last-participant-left", callSid);
  }
  const fresh = isLive ? liveCall(ctx, callSid) : undefined;
  if (fresh && stay) await continueAfterConference(ctx, fresh, stay, "completed");
}

/** Ends a conference: everyone leaves (their calls go on), the recording is stored, `conference-end` is posted. */
export async function endConference(ctx: Context, conferenceSid: string, reason: string, callSid: string | null): Promise<void> {
  const conf = loadConference(ctx, conferenceSid);
  if (!conf || conf.status === "completed") return;
  conf.status = "completed";
  conf.reason_conference_ended = reason;
  conf.call_sid_ending_conference = callSid;
  saveConference(ctx, conf);
  for (const participant of participantsOf(ctx, conferenceSid)) await leaveConference(ctx, participant.call_sid, "ended");
  await recordConference(ctx, conf);
  const extra: Record<string, string> = { ReasonConferenceEnded: reason };
  if (callSid) extra.CallSidEndingConference = callSid;
  await conferenceEvent(ctx, conferenceSid, "conference-end", undefined, extra);
}

/** A call out of its conference goes on: the Dial `action` (with `DialCallStatus`), or the verbs after `<Dial>`. */
async function continueAfterConference(ctx: Context, call: ConferenceCall, stay: ConferenceStay, status: string): Promise<void> {
  stopAudio(ctx, call);
  if (stay.action) {
    const seconds = Math.max(0, Math.round((ctx.clock.now() - stay.joinedMs) / 1000));
    return fetchDocument(ctx, call, stay.action, stay.method, { DialCallStatus: status, DialCallDuration: String(seconds), ConferenceSid: stay.conferenceSid });
  }
  call._program = stay.rest;
  call._docUrl = stay.restDocUrl;
  save(ctx, call);
  return step(ctx, call);
}
