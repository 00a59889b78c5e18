// Users and Roles of a Conversation Service, on `/v1/Users`, `/v1/Roles` (the default service) and
// `/v1/Services/{ChatServiceSid}/Users|Roles`. A chat participant's identity becomes a User of the
// service when it has none yet, as at Twilio.
import { pageOf } from "../engine/context.js";
import type { Doc } from "../engine/store.js";
import { first, iso8601 } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER, SandboxHttpError } from "../http/errors.js";
import type { Handler, HandlerRequest } from "../http/handler.js";
import { attributesParam, isWebhookEnabled, serviceOf, textParam } from "./api.js";
import { notFoundConv, ORIGIN, saveService, type ConvServiceDoc } from "./model.js";
import { checkRole, defaultRole, rolesOf, wireRole, type RoleDoc } from "./roles.js";
import { sendPostEvent } from "./webhooks.js";

/** A stored User. */
export interface UserDoc extends Doc {
  account_sid: string;
  chat_service_sid: string;
  role_sid: string;
  identity: string;
  friendly_name: string | null;
  attributes: string;
  date_created: string;
  date_updated: string;
}

const userKeys = (doc: UserDoc) => ({ account_sid: doc.account_sid, parent_sid: doc.chat_service_sid, key1: `${doc.chat_service_sid}:${doc.identity}` });

function wireUser(doc: UserDoc, scoped: boolean): Record<string, unknown> {
  const url = scoped ? `${ORIGIN}/v1/Services/${doc.chat_service_sid}/Users/${doc.sid}` : `${ORIGIN}/v1/Users/${doc.sid}`;
  return {
    sid: doc.sid,
    account_sid: doc.account_sid,
    chat_service_sid: doc.chat_service_sid,
    role_sid: doc.role_sid,
    identity: doc.identity,
    friendly_name: doc.friendly_name,
    attributes: doc.attributes,
    // no SDK client is ever connected to the sandbox: reachability is unknown
    is_online: null,
    is_notifiable: null,
    date_created: doc.date_created,
    date_updated: doc.date_updated,
    url,
    links: { user_conversations: `${url}/Conversations` },
  };
}

/** The User of an identity in a service, if any. */
export function userByIdentity(request: Pick<HandlerRequest, "ctx">, serviceSid: string, identity: string): UserDoc | undefined {
  return request.ctx.store.findByKey1<UserDoc>("conv_user", `${serviceSid}:${identity}`)[0];
}

/** Creates the User of an identity (API create, or a new chat participant) with the default service role. */
export function createUser(request: Pick<HandlerRequest, "ctx">, service: ConvServiceDoc, identity: string): UserDoc {
  const { ctx } = request;
  const now = iso8601(ctx.clock.now());
  const doc: UserDoc = {
    sid: ctx.sid("US"),
    account_sid: service.account_sid,
    chat_service_sid: service.sid,
    role_sid: defaultRole(ctx, service, "service").sid,
    identity,
    friendly_name: null,
    attributes: "{}",
    date_created: now,
    date_updated: now,
  };
  ctx.store.insert("conv_user", doc, userKeys(doc));
  return doc;
}

function applyUserParams(request: HandlerRequest, service: ConvServiceDoc, doc: UserDoc): void {
  const friendlyName = textParam(request.params, "FriendlyName");
  if (friendlyName !== undefined) doc.friendly_name = friendlyName || null;
  const attributes = attributesParam(request.params);
  if (attributes !== undefined) doc.attributes = attributes;
  const roleSid = first(request.params, "RoleSid");
  if (roleSid !== undefined) doc.role_sid = checkRole(request.ctx, service, roleSid, "service");
}

function loadUser(request: HandlerRequest, service: ConvServiceDoc): UserDoc {
  const sidOrIdentity = request.path.Sid!;
  const doc = /^US[0-9a-f]{32}$/.test(sidOrIdentity) ? request.ctx.store.get<UserDoc>("conv_user", sidOrIdentity) : userByIdentity(request, service.sid, sidOrIdentity);
  if (!doc || doc.chat_service_sid !== service.sid) throw notFoundConv("User", sidOrIdentity);
  return doc;
}

const userHandlers: Record<string, Handler> = {
  async CreateUser(request) {
    const service = serviceOf(request);
    const identity = textParam(request.params, "Identity");
    if (identity === undefined || identity === "") throw badRequest(INVALID_PARAMETER, "Missing required parameter Identity in the post body");
    if (userByIdentity(request, service.sid, identity)) throw new SandboxHttpError(409, 50201, `User already exists: ${identity}`);
    const doc = createUser(request, service, identity);
    applyUserParams(request, service, doc);
    request.ctx.store.update("conv_user", doc, userKeys(doc));
    if (isWebhookEnabled(request)) await sendPostEvent(request.ctx, service, "onUserAdded", "API", doc.sid, { AccountSid: doc.account_sid, ChatServiceSid: service.sid, UserSid: doc.sid, Identity: identity, RoleSid: doc.role_sid, Attributes: doc.attributes });
    return { status: 201, body: wireUser(doc, request.path.ChatServiceSid !== undefined) };
  },
  ListUser(request) {
    const service = serviceOf(request);
    const scoped = request.path.ChatServiceSid !== undefined;
    const body = pageOf(request.ctx.store, request.params, {
      kind: "conv_user",
      path: scoped ? `/v1/Services/${service.sid}/Users` : "/v1/Users",
      listKey: "users",
      filters: {},
      query: { parentSid: service.sid, order: "asc" },
      envelope: "meta",
      origin: ORIGIN,
      map: (doc) => wireUser(doc as UserDoc, scoped),
    });
    return { status: 200, body };
  },
  FetchUser(request) {
    const service = serviceOf(request);
    return { status: 200, body: wireUser(loadUser(request, service), request.path.ChatServiceSid !== undefined) };
  },
  async UpdateUser(request) {
    const { ctx } = request;
    const service = serviceOf(request);
    const doc = loadUser(request, service);
    applyUserParams(request, service, doc);
    doc.date_updated = iso8601(ctx.clock.now());
    ctx.store.update("conv_user", doc, userKeys(doc));
    if (isWebhookEnabled(request)) await sendPostEvent(ctx, service, "onUserUpdated", "API", doc.sid, { AccountSid: doc.account_sid, ChatServiceSid: service.sid, UserSid: doc.sid, Identity: doc.identity, RoleSid: doc.role_sid, Attributes: doc.attributes });
    return { status: 200, body: wireUser(doc, request.path.ChatServiceSid !== undefined) };
  },
  DeleteUser(request) {
    const service = serviceOf(request);
    request.ctx.store.remove("conv_user", loadUser(request, service).sid);
    return { status: 204 };
  },
};

const ROLE_TYPES = ["conversation", "service"];
const MAX_PERMISSIONS = 100;

function permissionsParam(request: HandlerRequest): string[] {
  const permissions = (request.params.Permission ?? []).map((value) => value.trim()).filter(Boolean);
  if (permissions.length === 0) throw badRequest(INVALID_PARAMETER, "Missing required parameter Permission");
  if (permissions.length > MAX_PERMISSIONS) throw badRequest(INVALID_PARAMETER, `At most ${MAX_PERMISSIONS} Permission values`);
  return [...new Set(permissions)];
}

function loadRole(request: HandlerRequest, service: ConvServiceDoc): RoleDoc {
  const role = rolesOf(request.ctx, service).find((candidate) => candidate.sid === request.path.Sid);
  if (!role) throw notFoundConv("Role", request.path.Sid!);
  return role;
}

const roleHandlers: Record<string, Handler> = {
  CreateRole(request) {
    const { ctx, params } = request;
    const service = serviceOf(request);
    const friendlyName = textParam(params, "FriendlyName");
    if (friendlyName === undefined || friendlyName === "") throw badRequest(INVALID_PARAMETER, "Missing required parameter FriendlyName in the post body");
    const type = first(params, "Type");
    if (type === undefined || !ROLE_TYPES.includes(type)) throw badRequest(INVALID_PARAMETER, "Type must be conversation or service");
    const now = iso8601(ctx.clock.now());
    const role: RoleDoc = { sid: ctx.sid("RL"), friendly_name: friendlyName, type: type as RoleDoc["type"], permissions: permissionsParam(request), date_created: now, date_updated: now };
    rolesOf(ctx, service).push(role);
    saveService(ctx, service);
    return { status: 201, body: wireRole(role, service, request.path.ChatServiceSid !== undefined) };
  },
  ListRole(request) {
    const service = serviceOf(request);
    const scoped = request.path.ChatServiceSid !== undefined;
    const url = `${ORIGIN}${scoped ? `/v1/Services/${service.sid}/Roles` : "/v1/Roles"}?PageSize=50&Page=0`;
    // a handful per service: one page holds them all
    return {
      status: 200,
      body: {
        roles: rolesOf(request.ctx, service).map((role) => wireRole(role, service, scoped)),
        meta: { page: 0, page_size: 50, first_page_url: url, previous_page_url: null, url, next_page_url: null, key: "roles" },
      },
    };
  },
  FetchRole(request) {
    const service = serviceOf(request);
    return { status: 200, body: wireRole(loadRole(request, service), service, request.path.ChatServiceSid !== undefined) };
  },
  UpdateRole(request) {
    const service = serviceOf(request);
    const role = loadRole(request, service);
    role.permissions = permissionsParam(request);
    role.date_updated = iso8601(request.ctx.clock.now());
    saveService(request.ctx, service);
    return { status: 200, body: wireRole(role, service, request.path.ChatServiceSid !== undefined) };
  },
  DeleteRole(request) {
    const service = serviceOf(request) as ConvServiceDoc & { _roles?: RoleDoc[] };
    const role = loadRole(request, service);
    service._roles = service._roles!.filter((candidate) => candidate.sid !== role.sid);
    saveService(request.ctx, service);
    return { status: 204 };
  },
};

/** Users and Roles handlers under both names: `CreateUser` and `CreateServiceUser`, … */
export const userRoleHandlers: Record<string, Handler> = Object.fromEntries(
  Object.entries({ ...userHandlers, ...roleHandlers }).flatMap(([operationId, handler]) => [
    [operationId, handler],
    [operationId.replace(/^(Create|List|Fetch|Update|Delete)(User|Role)$/, "$1Service$2"), handler],
  ]),
);
