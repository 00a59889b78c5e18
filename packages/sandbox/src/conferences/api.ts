// Conferences (`/2010-04-01/Accounts/{AccountSid}/Conferences`): list, fetch, update (end, announce);
// their Participants: create (dial out into the conference), list, fetch, update (mute, hold,
// announce, coach), delete (kick); and their Recordings: list, fetch, delete.
import { assertAccess } from "../accounts/auth.js";
import type { Context } from "../engine/context.js";
import { pageOf } from "../engine/context.js";
import type { Doc } from "../engine/store.js";
import { first, isE164, isHttpUrl, type Params } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER, notFound } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import { findNumber } from "../numbers/number.js";
import { insertCall } from "../voice/call.js";
import { endConference, leaveConference } from "../voice/verbs/dial-conference.js";
import { findParticipant, ownedConference, participantsOf, wireConferenceRecording, wireParticipant, type ConferenceDoc, type ParticipantDoc } from "./conference.js";
import { announce, modify, setHold, setMuted, setWaitUrl } from "./control.js";

const CALL_EVENTS = new Set(["initiated", "ringing", "answered", "completed"]);

function flag(params: Params, name: string): boolean | undefined {
  const value = first(params, name);
  return value === undefined ? undefined : value.toLowerCase() === "true";
}

/** An optional http(s) URL param. @throws SandboxHttpError 400 when it is not one */
function urlParam(params: Params, name: string): string | undefined {
  const value = first(params, name);
  if (value !== undefined && value !== "" && !isHttpUrl(value)) throw badRequest(INVALID_PARAMETER, `${name} must be an absolute http(s) URL`);
  return value;
}

function xmlAttr(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

/** The participant a path names by CallSid or label. @throws SandboxHttpError 404 */
function pathParticipant(ctx: Context, conf: ConferenceDoc, callSid: string, rawPath: string): ParticipantDoc {
  const participant = findParticipant(ctx, conf.sid, callSid);
  if (!participant) throw notFound(rawPath);
  return participant;
}

/** The `<Dial><Conference>` a dialled-out participant runs once it answers, from the create params. */
function participantTwiml(conf: ConferenceDoc, params: Params): string {
  const attrs: Array<[string, string | undefined]> = [
    ["participantLabel", first(params, "Label")],
    ["muted", first(params, "Muted")],
    ["beep", first(params, "Beep")],
    ["startConferenceOnEnter", first(params, "StartConferenceOnEnter")],
    ["endConferenceOnExit", first(params, "EndConferenceOnExit")],
    ["waitUrl", first(params, "WaitUrl")],
    ["waitMethod", first(params, "WaitMethod")],
    ["maxParticipants", first(params, "MaxParticipants")],
    ["record", first(params, "ConferenceRecord")],
    ["statusCallback", first(params, "ConferenceStatusCallback")],
    ["statusCallbackMethod", first(params, "ConferenceStatusCallbackMethod")],
    ["statusCallbackEvent", params.ConferenceStatusCallbackEvent?.join(" ")],
    ["recordingStatusCallback", first(params, "ConferenceRecordingStatusCallback")],
    ["recordingStatusCallbackMethod", first(params, "ConferenceRecordingStatusCallbackMethod")],
    ["coach", flag(params, "Coaching") ? first(params, "CallSidToCoach") : undefined],
  ];
  const text = attrs.filter(([, value]) => value !== undefined).map(([name, value]) => ` ${name}="${xmlAttr(value!)}"`).join("");
  return `<Response><Dial><Conference${text}>${xmlAttr(conf.friendly_name)}</Conference></Dial></Response>`;
}

/** Handlers of the Conference, Participant and Conference Recording operations. */
export const conferenceHandlers: Record<string, Handler> = {
  ListConference({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const friendlyName = first(params, "FriendlyName");
    const status = first(params, "Status");
    const filters: Record<string, string> = {};
    if (friendlyName !== undefined) filters.FriendlyName = friendlyName;
    if (status !== undefined) filters.Status = status;
    const body = pageOf(ctx.store, params, {
      kind: "conference",
      path: `/2010-04-01/Accounts/${account.sid}/Conferences.json`,
      listKey: "conferences",
      filters,
      // key1 is the friendly name, key2 the status (see saveConference)
      query: { accountSid: account.sid, key1: friendlyName, key2: status, order: "desc" },
    });
    return { status: 200, body };
  },
  FetchConference({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    return { status: 200, body: toWireConference(ownedConference(ctx, account.sid, path.Sid!, rawPath)) };
  },
  async UpdateConference({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const conf = ownedConference(ctx, account.sid, path.Sid!, rawPath);
    const status = first(params, "Status");
    const announceUrl = urlParam(params, "AnnounceUrl");
    if (conf.status === "completed" && (status || announceUrl)) throw badRequest(INVALID_PARAMETER, `Conference ${conf.sid} is completed`);
    if (announceUrl) await announce(ctx, conf, announceUrl, (first(params, "AnnounceMethod") ?? "POST").toUpperCase());
    if (status === "completed") await endConference(ctx, conf.sid, "conference-ended-via-api", null);
    return { status: 200, body: toWireConference(ownedConference(ctx, account.sid, conf.sid, rawPath)) };
  },
  CreateParticipant({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const conf = ownedConference(ctx, account.sid, path.ConferenceSid!, rawPath);
    if (conf.status === "completed") throw badRequest(INVALID_PARAMETER, `Conference ${conf.sid} is completed`);
    const to = first(params, "To");
    const from = first(params, "From");
    if (!to) throw badRequest(21201, "No 'To' number is specified");
    if (!from) throw badRequest(21213, "No 'From' number is specified");
    if (!isE164(to) && !/^(client|sip):.+/.test(to)) throw badRequest(21217, `Phone number ${to} is not a valid phone number`);
    if (from !== "+15005550006" && !from.startsWith("client:") && findNumber(ctx, from)?.account_sid !== account.sid) {
      throw badRequest(21210, `The source phone number provided, ${from}, is not yet verified for your account.`);
    }
    for (const name of ["WaitUrl", "StatusCallback", "ConferenceStatusCallback", "ConferenceRecordingStatusCallback"]) urlParam(params, name);
    if (flag(params, "Coaching") && !findParticipant(ctx, conf.sid, first(params, "CallSidToCoach") ?? "")) {
      throw badRequest(INVALID_PARAMETER, "Coaching needs a CallSidToCoach that is a participant of this conference");
    }
    const events = (params.StatusCallbackEvent ?? []).flatMap((value) => value.split(/[\s,]+/)).filter(Boolean);
    for (const event of events) if (!CALL_EVENTS.has(event)) throw badRequest(INVALID_PARAMETER, `Invalid StatusCallbackEvent: ${event}`);
    const timeout = Number(first(params, "Timeout") ?? 60);
    const call = insertCall(ctx, {
      accountSid: account.sid,
      to,
      from: first(params, "CallerId") ?? from,
      direction: "outbound-api",
      twiml: participantTwiml(conf, params),
      statusCallback: first(params, "StatusCallback") ?? null,
      statusCallbackMethod: first(params, "StatusCallbackMethod"),
      events: events.length ? events : ["completed"],
      timeoutSec: Number.isFinite(timeout) ? Math.min(600, Math.max(5, timeout)) : 60,
      status: "queued",
    });
    ctx.clock.schedule(0, "call", call.sid, { step: "initiate" });
    const now = call.date_created as string;
    // the participant exists once the call answers and joins; until then it is `queued`
    const pending: ParticipantDoc = {
      sid: call.sid,
      account_sid: account.sid,
      call_sid: call.sid,
      conference_sid: conf.sid,
      label: first(params, "Label") ?? null,
      muted: flag(params, "Muted") ?? false,
      hold: false,
      coaching: flag(params, "Coaching") ?? false,
      call_sid_to_coach: flag(params, "Coaching") ? (first(params, "CallSidToCoach") ?? null) : null,
      start_conference_on_enter: flag(params, "StartConferenceOnEnter") ?? true,
      end_conference_on_exit: flag(params, "EndConferenceOnExit") ?? false,
      date_created: now,
      date_updated: now,
      _beep: "true",
      _joinedMs: ctx.clock.now(),
    };
    return { status: 201, body: wireParticipant(pending, "queued") };
  },
  ListParticipant({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const conf = ownedConference(ctx, account.sid, path.ConferenceSid!, rawPath);
    const filters: Record<string, string> = {};
    for (const name of ["Muted", "Hold", "Coaching"]) {
      const value = first(params, name);
      if (value !== undefined) filters[name] = value.toLowerCase();
    }
    const body = pageOf(ctx.store, params, {
      kind: "participant",
      path: `/2010-04-01/Accounts/${account.sid}/Conferences/${conf.sid}/Participants.json`,
      listKey: "participants",
      filters,
      // key1 holds muted and key2 hold as "true"/"false" (see saveParticipant)
      query: { accountSid: account.sid, parentSid: conf.sid, key1: filters.Muted, key2: filters.Hold, order: "asc" },
      map: (doc) => wireParticipant(doc as ParticipantDoc),
    });
    if (filters.Coaching !== undefined) {
      const list = body.participants as Array<Record<string, unknown>>;
      body.participants = list.filter((item) => String(item.coaching) === filters.Coaching);
    }
    return { status: 200, body };
  },
  FetchParticipant({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const conf = ownedConference(ctx, account.sid, path.ConferenceSid!, rawPath);
    return { status: 200, body: wireParticipant(pathParticipant(ctx, conf, path.CallSid!, rawPath)) };
  },
  async UpdateParticipant({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const conf = ownedConference(ctx, account.sid, path.ConferenceSid!, rawPath);
    const participant = pathParticipant(ctx, conf, path.CallSid!, rawPath);
    const holdUrl = urlParam(params, "HoldUrl");
    const announceUrl = urlParam(params, "AnnounceUrl");
    const muted = flag(params, "Muted");
    const hold = flag(params, "Hold");
    // validate before changing anything: a bad coaching request changes nothing
    await modify(ctx, participant, { coaching: flag(params, "Coaching"), callSidToCoach: first(params, "CallSidToCoach"), endConferenceOnExit: flag(params, "EndConferenceOnExit") });
    if (muted !== undefined) await setMuted(ctx, participant, muted);
    if (hold !== undefined || holdUrl !== undefined) await setHold(ctx, participant, hold ?? participant.hold, holdUrl ?? null, (first(params, "HoldMethod") ?? "GET").toUpperCase());
    if (announceUrl) await announce(ctx, conf, announceUrl, (first(params, "AnnounceMethod") ?? "POST").toUpperCase(), participant);
    const waitUrl = urlParam(params, "WaitUrl");
    if (waitUrl !== undefined) setWaitUrl(ctx, participant, waitUrl, (first(params, "WaitMethod") ?? "POST").toUpperCase());
    return { status: 200, body: wireParticipant(pathParticipant(ctx, conf, participant.call_sid, rawPath)) };
  },
  async DeleteParticipant({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const conf = ownedConference(ctx, account.sid, path.ConferenceSid!, rawPath);
    const participant = pathParticipant(ctx, conf, path.CallSid!, rawPath);
    await leaveConference(ctx, participant.call_sid, "kicked");
    return { status: 204 };
  },
  ListConferenceRecording({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const conf = ownedConference(ctx, account.sid, path.ConferenceSid!, rawPath);
    const body = pageOf(ctx.store, params, {
      kind: "recording",
      path: `/2010-04-01/Accounts/${account.sid}/Conferences/${conf.sid}/Recordings.json`,
      listKey: "recordings",
      filters: {},
      query: { accountSid: account.sid, parentSid: conf.sid, order: "desc" },
      map: wireConferenceRecording,
    });
    return { status: 200, body };
  },
  FetchConferenceRecording({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const conf = ownedConference(ctx, account.sid, path.ConferenceSid!, rawPath);
    return { status: 200, body: wireConferenceRecording(conferenceRecording(ctx, conf, path.Sid!, rawPath)) };
  },
  DeleteConferenceRecording({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const conf = ownedConference(ctx, account.sid, path.ConferenceSid!, rawPath);
    ctx.store.remove("recording", conferenceRecording(ctx, conf, path.Sid!, rawPath).sid);
    return { status: 204 };
  },
};

function conferenceRecording(ctx: Context, conf: ConferenceDoc, sid: string, rawPath: string): Doc {
  const doc = ctx.store.get("recording", sid);
  if (!doc || doc.conference_sid !== conf.sid) throw notFound(rawPath);
  return doc;
}

function toWireConference(doc: ConferenceDoc): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in doc) if (!key.startsWith("_")) out[key] = doc[key];
  return out;
}
