// Roles of a Conversation Service: every service starts with the default roles (a conversation
// role for participants, a service role for users, and an admin of each), stored on the service.
// Permissions are recorded and echoed; the sandbox has no SDK clients for them to restrict.
import type { Context } from "../engine/context.js";
import { iso8601 } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER } from "../http/errors.js";
import { ORIGIN, saveService, type ConvServiceDoc } from "./model.js";

/** A role (`conversations.v1.role`), kept on its service. */
export interface RoleDoc {
  sid: string;
  friendly_name: string;
  type: "conversation" | "service";
  permissions: string[];
  date_created: string;
  date_updated: string;
}

// Twilio's documented default roles and permissions
const DEFAULT_ROLES: ReadonlyArray<Pick<RoleDoc, "friendly_name" | "type" | "permissions">> = [
  { friendly_name: "conversation user", type: "conversation", permissions: ["sendMessage", "sendMediaMessage", "leaveConversation", "editOwnMessage", "editOwnMessageAttributes", "deleteOwnMessage", "editOwnParticipantAttributes"] },
  { friendly_name: "conversation admin", type: "conversation", permissions: ["sendMessage", "sendMediaMessage", "leaveConversation", "addParticipant", "removeParticipant", "editConversationName", "editConversationAttributes", "editAnyMessage", "editAnyMessageAttributes", "deleteAnyMessage", "editAnyParticipantAttributes"] },
  { friendly_name: "service user", type: "service", permissions: ["createConversation", "joinConversation", "editOwnUserInfo"] },
  { friendly_name: "service admin", type: "service", permissions: ["createConversation", "joinConversation", "editOwnUserInfo", "editAnyUserInfo", "destroyConversation"] },
];

/** The roles of a service, the default ones created on first use. */
export function rolesOf(ctx: Context, service: ConvServiceDoc & { _roles?: RoleDoc[] }): RoleDoc[] {
  if (service._roles) return service._roles;
  const now = iso8601(ctx.clock.now());
  service._roles = DEFAULT_ROLES.map((role) => ({ sid: ctx.sid("RL"), ...role, permissions: [...role.permissions], date_created: now, date_updated: now }));
  saveService(ctx, service);
  return service._roles;
}

/** The default role of a type: `conversation user` for participants, `service user` for users. */
export function defaultRole(ctx: Context, service: ConvServiceDoc, type: RoleDoc["type"]): RoleDoc {
  const roles = rolesOf(ctx, service);
  return roles.find((role) => role.friendly_name === `${type} user`) ?? roles.find((role) => role.type === type)!;
}

/**
 * Checks a `RoleSid` param: a role of the service with the expected type.
 * @throws SandboxHttpError 400 (20001) for another service's role or a role of the other type
 */
export function checkRole(ctx: Context, service: ConvServiceDoc, roleSid: string, type: RoleDoc["type"]): string {
  const role = rolesOf(ctx, service).find((candidate) => candidate.sid === roleSid);
  if (!role) throw badRequest(INVALID_PARAMETER, `RoleSid ${JSON.stringify(roleSid.slice(0, 40))} is not a role of service ${service.sid}`);
  if (role.type !== type) throw badRequest(INVALID_PARAMETER, `RoleSid ${roleSid} is a ${role.type} role: a ${type} role is needed here`);
  return role.sid;
}

export function wireRole(role: RoleDoc, service: ConvServiceDoc, scoped: boolean): Record<string, unknown> {
  return {
    sid: role.sid,
    account_sid: service.account_sid,
    chat_service_sid: service.sid,
    friendly_name: role.friendly_name,
    type: role.type,
    permissions: role.permissions,
    date_created: role.date_created,
    date_updated: role.date_updated,
    url: scoped ? `${ORIGIN}/v1/Services/${service.sid}/Roles/${role.sid}` : `${ORIGIN}/v1/Roles/${role.sid}`,
  };
}
