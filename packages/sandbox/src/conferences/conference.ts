// The stored Conference and its Participants. A conference is found by friendly name while it is
// not completed (`<Dial><Conference>` joins it) and made on demand; participants exist while their
// call is in the conference (Twilio lists only those), one per call.
import type { Context } from "../engine/context.js";
import type { Doc } from "../engine/store.js";
import { rfc2822 } from "../engine/util.js";
import { notFound } from "../http/errors.js";

/** Conference statuses (OAI `conference_enum_status`). */
export type ConferenceStatus = "init" | "in-progress" | "completed";

/** Twilio's default and largest `maxParticipants`. */
export const DEFAULT_MAX_PARTICIPANTS = 250;

/** A stored Conference (OAI `api.v2010.account.conference` plus internal fields). */
export interface ConferenceDoc extends Doc {
  account_sid: string;
  friendly_name: string;
  status: ConferenceStatus;
  date_created: string;
  date_updated: string;
  reason_conference_ended: string | null;
  call_sid_ending_conference: string | null;
  /** Status callback (from the first participant that set one) and its events. */
  _cb: string | null;
  _cbMethod: string;
  _events: string[];
  _seq: number;
  _maxParticipants: number;
  /** `record="record-from-start"`: a recording runs from the start to the end. */
  _record: boolean;
  _recordingCb: string | null;
  _recordingCbMethod: string;
  _startedMs: number | null;
}

/** A stored Participant: the wire fields live under `_wire`-free names, see `wireParticipant`. */
export interface ParticipantDoc extends Doc {
  account_sid: string;
  call_sid: string;
  conference_sid: string;
  label: string | null;
  muted: boolean;
  hold: boolean;
  coaching: boolean;
  call_sid_to_coach: string | null;
  start_conference_on_enter: boolean;
  end_conference_on_exit: boolean;
  date_created: string;
  date_updated: string;
  /** `beep` of the participant: who hears a beep when it enters or leaves. */
  _beep: "true" | "false" | "onEnter" | "onExit";
  _joinedMs: number;
}

/** The store SID of a participant (a call is in one conference at a time). */
export function participantSid(callSid: string): string {
  return `CP${callSid}`;
}

/** The conference document's indexed columns: friendly name and status, for lookups and filters. */
function conferenceKeys(doc: ConferenceDoc) {
  return { account_sid: doc.account_sid, key1: doc.friendly_name, key2: doc.status, date_ms: Date.parse(doc.date_created) };
}

/** Stores a changed conference and stamps `date_updated`. */
export function saveConference(ctx: Context, doc: ConferenceDoc): void {
  doc.date_updated = rfc2822(ctx.clock.now());
  ctx.store.update("conference", doc, conferenceKeys(doc));
}

/** A conference by SID, in any account. */
export function loadConference(ctx: Context, sid: string): ConferenceDoc | undefined {
  return ctx.store.get<ConferenceDoc>("conference", sid);
}

/** The account's conference for a REST path. @throws SandboxHttpError 404 */
export function ownedConference(ctx: Context, accountSid: string, sid: string, rawPath: string): ConferenceDoc {
  const doc = loadConference(ctx, sid);
  if (!doc || doc.account_sid !== accountSid) throw notFound(rawPath);
  return doc;
}

/** The account's live (not completed) conference with this name, or a new one in `init`. */
export function conferenceNamed(ctx: Context, accountSid: string, name: string): ConferenceDoc {
  for (const status of ["in-progress", "init"] as const) {
    const found = ctx.store.list<ConferenceDoc>("conference", { accountSid, key1: name, key2: status, limit: 1, order: "asc" })[0];
    if (found) return found.doc;
  }
  const sid = ctx.sid("CF");
  const now = rfc2822(ctx.clock.now());
  const base = `/2010-04-01/Accounts/${accountSid}/Conferences/${sid}`;
  const doc: ConferenceDoc = {
    account_sid: accountSid,
    date_created: now,
    date_updated: now,
    api_version: "2010-04-01",
    friendly_name: name,
    region: "us1",
    sid,
    status: "init",
    uri: `${base}.json`,
    subresource_uris: { participants: `${base}/Participants.json`, recordings: `${base}/Recordings.json` },
    reason_conference_ended: null,
    call_sid_ending_conference: null,
    _cb: null,
    _cbMethod: "POST",
    _events: [],
    _seq: 0,
    _maxParticipants: DEFAULT_MAX_PARTICIPANTS,
    _record: false,
    _recordingCb: null,
    _recordingCbMethod: "POST",
    _startedMs: null,
  };
  ctx.store.insert("conference", doc, conferenceKeys(doc));
  ctx.events.emit({ type: "conference.created", at: ctx.clock.now(), sid, friendlyName: name, accountSid });
  return doc;
}

/** Participants of a conference in join order (bounded by `maxParticipants`, at most 250). */
export function participantsOf(ctx: Context, conferenceSid: string): ParticipantDoc[] {
  return ctx.store.list<ParticipantDoc>("participant", { parentSid: conferenceSid, limit: DEFAULT_MAX_PARTICIPANTS, order: "asc" }).map((row) => row.doc);
}

/** Indexed columns of a participant: `key1` muted, `key2` hold (as "true"/"false", the list filters). */
function participantKeys(doc: ParticipantDoc) {
  return { account_sid: doc.account_sid, parent_sid: doc.conference_sid, key1: String(doc.muted), key2: String(doc.hold), date_ms: doc._joinedMs };
}

/** Stores a participant that just joined. */
export function insertParticipant(ctx: Context, doc: ParticipantDoc): void {
  ctx.store.insert("participant", doc, participantKeys(doc));
}

/** Stores a changed participant and stamps `date_updated`. */
export function saveParticipant(ctx: Context, doc: ParticipantDoc): void {
  doc.date_updated = rfc2822(ctx.clock.now());
  ctx.store.update("participant", doc, participantKeys(doc));
}

/** The participant record of a call, if it is in a conference. */
export function participantOf(ctx: Context, callSid: string): ParticipantDoc | undefined {
  return ctx.store.get<ParticipantDoc>("participant", participantSid(callSid));
}

/** A participant by CallSid or by its label, as Twilio's Participant paths accept either. */
export function findParticipant(ctx: Context, conferenceSid: string, callSidOrLabel: string): ParticipantDoc | undefined {
  const bySid = participantOf(ctx, callSidOrLabel);
  if (bySid?.conference_sid === conferenceSid) return bySid;
  return participantsOf(ctx, conferenceSid).find((item) => item.label === callSidOrLabel);
}

/** The wire Participant (OAI `api.v2010.account.conference.participant`). */
export function wireParticipant(doc: ParticipantDoc, status = "connected"): Record<string, unknown> {
  return {
    account_sid: doc.account_sid,
    call_sid: doc.call_sid,
    label: doc.label,
    call_sid_to_coach: doc.call_sid_to_coach,
    coaching: doc.coaching,
    conference_sid: doc.conference_sid,
    date_created: doc.date_created,
    date_updated: doc.date_updated,
    end_conference_on_exit: doc.end_conference_on_exit,
    muted: doc.muted,
    hold: doc.hold,
    start_conference_on_enter: doc.start_conference_on_enter,
    status,
    queue_time: "0",
    uri: `/2010-04-01/Accounts/${doc.account_sid}/Conferences/${doc.conference_sid}/Participants/${doc.call_sid}.json`,
  };
}

/** Fields of a conference recording (OAI `api.v2010.account.conference.conference_recording`). */
const CONFERENCE_RECORDING_FIELDS = ["account_sid", "api_version", "call_sid", "conference_sid", "date_created", "date_updated", "start_time", "duration", "sid", "price", "price_unit", "status", "channels", "source", "error_code", "encryption_details", "uri"];

/** A stored recording as the Conference Recordings resource shows it. */
export function wireConferenceRecording(doc: Doc): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of CONFERENCE_RECORDING_FIELDS) out[field] = doc[field] ?? null;
  out.uri = `/2010-04-01/Accounts/${String(doc.account_sid)}/Conferences/${String(doc.conference_sid)}/Recordings/${doc.sid}.json`;
  return out;
}
