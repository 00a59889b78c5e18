// Changes made to a conference from the REST API: mute, hold (with HoldUrl music), announcements,
// coaching and end-on-exit of a participant, each shown in the transcripts and posted as an event.
import type { Context } from "../engine/context.js";
import { badRequest, INVALID_PARAMETER } from "../http/errors.js";
import { fetchTwiml } from "../outbound/twiml-fetch.js";
import { FINAL, load, save } from "../voice/call.js";
import type { ConferenceCall } from "../voice/verbs/conference-state.js";
import { playConferenceAudio, stopAudio } from "../voice/verbs/dial-conference.js";
import { hear } from "../voice/verbs/hear.js";
import { participantOf, participantsOf, saveParticipant, type ConferenceDoc, type ParticipantDoc } from "./conference.js";
import { conferenceEvent } from "./events.js";

function liveCall(ctx: Context, sid: string): ConferenceCall | undefined {
  const doc = load(ctx, sid) as ConferenceCall | undefined;
  return doc && !FINAL.has(doc.status) ? doc : undefined;
}

function note(ctx: Context, participant: ParticipantDoc, text: string): void {
  const call = liveCall(ctx, participant.call_sid);
  if (!call) return;
  hear(ctx, call, { verb: "Conference", text: call._conf?.name, note: text });
  save(ctx, call);
}

/** Mutes or unmutes a participant (`participant-mute`/`participant-unmute`). */
export async function setMuted(ctx: Context, participant: ParticipantDoc, muted: boolean): Promise<void> {
  if (participant.muted === muted) return;
  participant.muted = muted;
  saveParticipant(ctx, participant);
  note(ctx, participant, muted ? "muted" : "unmuted");
  await conferenceEvent(ctx, participant.conference_sid, muted ? "participant-mute" : "participant-unmute", participant);
}

/** Holds a participant (it hears `HoldUrl` TwiML or the default music, looped) or takes it off hold. */
export async function setHold(ctx: Context, participant: ParticipantDoc, hold: boolean, holdUrl: string | null, holdMethod: string): Promise<void> {
  const call = liveCall(ctx, participant.call_sid);
  if (call?._conf && holdUrl !== null) {
    call._conf.holdUrl = holdUrl;
    call._conf.holdMethod = holdMethod;
    save(ctx, call);
  }
  if (participant.hold === hold) return;
  participant.hold = hold;
  saveParticipant(ctx, participant);
  note(ctx, participant, hold ? "on hold" : "off hold");
  const fresh = liveCall(ctx, participant.call_sid);
  if (fresh) stopAudio(ctx, fresh);
  await conferenceEvent(ctx, participant.conference_sid, hold ? "participant-hold" : "participant-unhold", participant);
  const again = liveCall(ctx, participant.call_sid);
  if (again) await playConferenceAudio(ctx, again);
}

/** Changes coaching and end-on-exit (`participant-modify`). @throws SandboxHttpError 400 for a coach with nobody to coach */
export async function modify(ctx: Context, participant: ParticipantDoc, change: { coaching?: boolean; callSidToCoach?: string; endConferenceOnExit?: boolean }): Promise<void> {
  let changed = false;
  if (change.coaching !== undefined || change.callSidToCoach !== undefined) {
    const coaching = change.coaching ?? participant.coaching;
    const target = change.callSidToCoach ?? participant.call_sid_to_coach;
    if (coaching && (!target || participantOf(ctx, target)?.conference_sid !== participant.conference_sid)) {
      throw badRequest(INVALID_PARAMETER, "Coaching needs a CallSidToCoach that is a participant of this conference");
    }
    participant.coaching = coaching;
    participant.call_sid_to_coach = coaching ? target : null;
    note(ctx, participant, coaching ? `coaching ${target}` : "not coaching");
    changed = true;
  }
  if (change.endConferenceOnExit !== undefined && change.endConferenceOnExit !== participant.end_conference_on_exit) {
    participant.end_conference_on_exit = change.endConferenceOnExit;
    changed = true;
  }
  if (!changed) return;
  saveParticipant(ctx, participant);
  await conferenceEvent(ctx, participant.conference_sid, "participant-modify", participant);
}

/**
 * Plays an announcement: the `AnnounceUrl` TwiML is fetched once and its `<Say>`/`<Play>` go into
 * the transcript of one participant, or of every participant when `participant` is omitted.
 */
export async function announce(ctx: Context, conf: ConferenceDoc, url: string, method: string, participant?: ParticipantDoc): Promise<void> {
  const fetched = await fetchTwiml(ctx, {
    kind: "conference-announce",
    ref: conf.sid,
    accountSid: conf.account_sid,
    url,
    method,
    params: { AccountSid: conf.account_sid, ConferenceSid: conf.sid, FriendlyName: conf.friendly_name, ...(participant ? { CallSid: participant.call_sid } : {}) },
  });
  if (fetched.kind !== "ok" || !fetched.root) return;
  const listeners = participant ? [participant] : participantsOf(ctx, conf.sid);
  for (const listener of listeners) {
    const call = liveCall(ctx, listener.call_sid);
    if (!call) continue;
    for (const verb of fetched.root.children) {
      if (verb.type === "Say") hear(ctx, call, { verb: "Say", text: verb.text.trim(), note: "announcement" });
      else if (verb.type === "Play") hear(ctx, call, { verb: "Play", url: verb.text.trim(), note: "announcement" });
    }
    save(ctx, call);
  }
  await conferenceEvent(ctx, conf.sid, "announcement-end", participant);
}

/** Changes the wait music a participant hears while the conference has not started (from its next loop). */
export function setWaitUrl(ctx: Context, participant: ParticipantDoc, waitUrl: string, waitMethod: string): void {
  const call = liveCall(ctx, participant.call_sid);
  if (!call?._conf) return;
  call._conf.waitUrl = waitUrl;
  call._conf.waitMethod = waitMethod;
  save(ctx, call);
}
