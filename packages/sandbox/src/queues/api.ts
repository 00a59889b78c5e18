// Queues (`/2010-04-01/Accounts/{AccountSid}/Queues`) and their Members: create, list, fetch, update
// and delete queues; list and fetch members (`Front` names the first), update one with `Url` to
// dequeue it into that TwiML.
import { assertAccess } from "../accounts/auth.js";
import type { Context } from "../engine/context.js";
import { pageOf } from "../engine/context.js";
import { first, isHttpUrl, rfc2822 } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER, notFound } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import { dequeueToUrl } from "../voice/verbs/enqueue.js";
import { checkName, insertQueue, membersOf, ownedQueue, parseMaxSize, saveQueue, wireMember, wireQueue, type MemberDoc, type QueueDoc } from "./queue.js";

/** The member a path names (`Front` is the first in line) with its position. @throws SandboxHttpError 404 */
function pathMember(ctx: Context, queue: QueueDoc, callSid: string, rawPath: string): [MemberDoc, number] {
  const members = membersOf(ctx, queue.sid);
  const index = callSid === "Front" ? (members.length ? 0 : -1) : members.findIndex((member) => member._callSid === callSid);
  if (index === -1) throw notFound(rawPath);
  return [members[index]!, index + 1];
}

/** Handlers of the Queue and Member operations. */
export const queueHandlers: Record<string, Handler> = {
  CreateQueue({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const name = checkName(first(params, "FriendlyName") ?? "");
    const maxSize = first(params, "MaxSize");
    const doc = insertQueue(ctx, account.sid, name, maxSize === undefined ? undefined : parseMaxSize(maxSize));
    return { status: 201, body: wireQueue(ctx, doc) };
  },
  ListQueue({ ctx, params, path, principal }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const body = pageOf(ctx.store, params, {
      kind: "queue",
      path: `/2010-04-01/Accounts/${account.sid}/Queues.json`,
      listKey: "queues",
      filters: {},
      query: { accountSid: account.sid, order: "asc" },
      map: (doc) => wireQueue(ctx, doc as QueueDoc),
    });
    return { status: 200, body };
  },
  FetchQueue({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    return { status: 200, body: wireQueue(ctx, ownedQueue(ctx, account.sid, path.Sid!, rawPath)) };
  },
  UpdateQueue({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ownedQueue(ctx, account.sid, path.Sid!, rawPath);
    const name = first(params, "FriendlyName");
    const maxSize = first(params, "MaxSize");
    if (name !== undefined) doc.friendly_name = checkName(name);
    if (maxSize !== undefined) doc.max_size = parseMaxSize(maxSize);
    doc.date_updated = rfc2822(ctx.clock.now());
    saveQueue(ctx, doc);
    return { status: 200, body: wireQueue(ctx, doc) };
  },
  DeleteQueue({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ownedQueue(ctx, account.sid, path.Sid!, rawPath);
    // only an empty queue can be removed: its callers would be left nowhere
    const size = membersOf(ctx, doc.sid).length;
    if (size > 0) throw badRequest(INVALID_PARAMETER, `Queue ${doc.sid} has ${size} member(s): only an empty queue can be deleted`);
    ctx.store.remove("queue", doc.sid);
    return { status: 204 };
  },
  ListMember({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const queue = ownedQueue(ctx, account.sid, path.QueueSid!, rawPath);
    const positions = new Map(membersOf(ctx, queue.sid).map((member, index) => [member.sid, index + 1]));
    const body = pageOf(ctx.store, params, {
      kind: "queue_member",
      path: `/2010-04-01/Accounts/${account.sid}/Queues/${queue.sid}/Members.json`,
      listKey: "queue_members",
      filters: {},
      query: { accountSid: account.sid, parentSid: queue.sid, order: "asc" },
      map: (doc) => wireMember(ctx, doc as MemberDoc, positions.get(doc.sid) ?? 0),
    });
    return { status: 200, body };
  },
  FetchMember({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const queue = ownedQueue(ctx, account.sid, path.QueueSid!, rawPath);
    const [member, position] = pathMember(ctx, queue, path.CallSid!, rawPath);
    return { status: 200, body: wireMember(ctx, member, position) };
  },
  UpdateMember({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const queue = ownedQueue(ctx, account.sid, path.QueueSid!, rawPath);
    const [member, position] = pathMember(ctx, queue, path.CallSid!, rawPath);
    const url = first(params, "Url");
    if (!url || !isHttpUrl(url)) throw badRequest(INVALID_PARAMETER, "Url must be an absolute http(s) URL");
    const body = wireMember(ctx, member, position);
    // the caller leaves the queue now; its new document runs in the background, as with call updates
    dequeueToUrl(ctx, member._callSid, url, (first(params, "Method") ?? "POST").toUpperCase()).catch(() => undefined);
    return { status: 200, body };
  },
};
