// The stored Queue and its Members: a queue's size and average wait are computed from its members at
// read time (as Twilio computes them "at the time of the request"); members are kept in enqueue order.
import type { Context } from "../engine/context.js";
import type { Doc } from "../engine/store.js";
import { rfc2822 } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER, notFound } from "../http/errors.js";

/** Twilio's default and largest `MaxSize` of a queue. */
export const DEFAULT_MAX_SIZE = 1000;
/** The largest `MaxSize` Twilio accepts. */
export const LARGEST_MAX_SIZE = 5000;
/** Longest queue name `<Enqueue>` and `FriendlyName` take. */
export const MAX_NAME_LENGTH = 64;

/** A stored Queue (OAI `api.v2010.account.queue`, without the computed fields). */
export interface QueueDoc extends Doc {
  account_sid: string;
  friendly_name: string;
  max_size: number;
  /** Calls waiting in `<Dial><Queue>` for someone to join (oldest first). */
  _dequeuers: string[];
}

/** A stored Member: one call waiting in a queue. */
export interface MemberDoc extends Doc {
  _queueSid: string;
  _callSid: string;
  _enqueuedMs: number;
}

/** The store SID of a member (a call waits in at most one queue at a time). */
export function memberSid(callSid: string): string {
  return `QM${callSid}`;
}

/**
 * A queue's `MaxSize` from a param.
 * @throws SandboxHttpError 400 when it is not an integer in 1..5000
 */
export function parseMaxSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > LARGEST_MAX_SIZE) throw badRequest(INVALID_PARAMETER, `MaxSize must be an integer from 1 to ${LARGEST_MAX_SIZE}, got ${value}`);
  return n;
}

/**
 * A queue name from `FriendlyName` or `<Enqueue>`.
 * @throws SandboxHttpError 400 when empty or over 64 characters
 */
export function checkName(name: string): string {
  if (!name.trim()) throw badRequest(INVALID_PARAMETER, "FriendlyName must not be empty");
  if (name.length > MAX_NAME_LENGTH) throw badRequest(INVALID_PARAMETER, `FriendlyName must be ${MAX_NAME_LENGTH} characters or less`);
  return name;
}

/** Creates and stores a queue. */
export function insertQueue(ctx: Context, accountSid: string, friendlyName: string, maxSize = DEFAULT_MAX_SIZE): QueueDoc {
  const sid = ctx.sid("QU");
  const now = rfc2822(ctx.clock.now());
  const doc: QueueDoc = {
    date_updated: now,
    friendly_name: friendlyName,
    uri: `/2010-04-01/Accounts/${accountSid}/Queues/${sid}.json`,
    account_sid: accountSid,
    sid,
    date_created: now,
    max_size: maxSize,
    _dequeuers: [],
  };
  ctx.store.insert("queue", doc, { account_sid: accountSid, key1: friendlyName });
  return doc;
}

/** Stores a changed queue (`key1` is its friendly name, how `<Enqueue>` finds it). */
export function saveQueue(ctx: Context, doc: QueueDoc): void {
  ctx.store.update("queue", doc, { account_sid: doc.account_sid, key1: doc.friendly_name });
}

/** A queue by SID, in any account. */
export function loadQueue(ctx: Context, sid: string): QueueDoc | undefined {
  return ctx.store.get<QueueDoc>("queue", sid);
}

/** The account's queue with this friendly name (the oldest, should several share it). */
export function findQueueByName(ctx: Context, accountSid: string, name: string): QueueDoc | undefined {
  return ctx.store.list<QueueDoc>("queue", { accountSid, key1: name, limit: 1, order: "asc" })[0]?.doc;
}

/** The account's queue for a REST path. @throws SandboxHttpError 404 */
export function ownedQueue(ctx: Context, accountSid: string, sid: string, rawPath: string): QueueDoc {
  const doc = loadQueue(ctx, sid);
  if (!doc || doc.account_sid !== accountSid) throw notFound(rawPath);
  return doc;
}

/** Members of a queue in enqueue order (at most `LARGEST_MAX_SIZE`, the queue bound). */
export function membersOf(ctx: Context, queueSid: string): MemberDoc[] {
  return ctx.store.list<MemberDoc>("queue_member", { parentSid: queueSid, limit: LARGEST_MAX_SIZE, order: "asc" }).map((row) => row.doc);
}

/** Adds a call at the back of a queue. */
export function insertMember(ctx: Context, queue: QueueDoc, callSid: string): MemberDoc {
  const nowMs = ctx.clock.now();
  const doc: MemberDoc = {
    sid: memberSid(callSid),
    call_sid: callSid,
    date_enqueued: rfc2822(nowMs),
    queue_sid: queue.sid,
    uri: `/2010-04-01/Accounts/${queue.account_sid}/Queues/${queue.sid}/Members/${callSid}.json`,
    _queueSid: queue.sid,
    _callSid: callSid,
    _enqueuedMs: nowMs,
  };
  ctx.store.insert("queue_member", doc, { account_sid: queue.account_sid, parent_sid: queue.sid, date_ms: nowMs });
  return doc;
}

/** The member record of a call, if it is waiting in a queue. */
export function memberOf(ctx: Context, callSid: string): MemberDoc | undefined {
  return ctx.store.get<MemberDoc>("queue_member", memberSid(callSid));
}

/** Takes a call out of its queue (nothing happens when it is in none). */
export function removeMember(ctx: Context, callSid: string): void {
  ctx.store.remove("queue_member", memberSid(callSid));
}

/** Seconds a member has waited. */
export function waitSec(ctx: Context, member: MemberDoc): number {
  return Math.max(0, Math.round((ctx.clock.now() - member._enqueuedMs) / 1000));
}

/** The wire Queue: `current_size` and `average_wait_time` computed now. */
export function wireQueue(ctx: Context, doc: QueueDoc): Record<string, unknown> {
  const members = membersOf(ctx, doc.sid);
  const total = members.reduce((sum, member) => sum + waitSec(ctx, member), 0);
  return {
    date_updated: doc.date_updated,
    current_size: members.length,
    friendly_name: doc.friendly_name,
    uri: doc.uri,
    account_sid: doc.account_sid,
    average_wait_time: members.length ? Math.round(total / members.length) : 0,
    sid: doc.sid,
    date_created: doc.date_created,
    max_size: doc.max_size,
  };
}

/** The wire Member at a 1-based position. */
export function wireMember(ctx: Context, member: MemberDoc, position: number): Record<string, unknown> {
  return {
    call_sid: member._callSid,
    date_enqueued: member.date_enqueued,
    position,
    uri: member.uri,
    wait_time: waitSec(ctx, member),
    queue_sid: member._queueSid,
  };
}
