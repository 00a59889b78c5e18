// The grants of an Access Token: option names as twilio-node's grant classes take them, claim names
// and order as their `toPayload()` writes them. Like twilio-node, an empty string leaves a field out.
import { check } from "./errors.js";
import { isRecord, knownKeys, optionalString, record } from "./validate.js";

/** `voice` grant (twilio-node `VoiceGrant`): Voice SDK clients. */
export interface VoiceGrantOptions {
  /** Let this identity receive calls (`incoming.allow`). */
  incomingAllow?: boolean;
  /** TwiML App SID (`AP…`) Twilio requests when the client places a call. */
  outgoingApplicationSid?: string;
  /** Params passed to that TwiML App (needs `outgoingApplicationSid`). */
  outgoingApplicationParams?: Record<string, unknown>;
  /** Push Credential SID (`CR…`) for incoming-call notifications. */
  pushCredentialSid?: string;
  /** Endpoint identifier of this device. */
  endpointId?: string;
}

/** `video` grant (twilio-node `VideoGrant`). */
export interface VideoGrantOptions {
  /** Room name or SID (`RM…`) this token may join; any room when absent. */
  room?: string;
}

/** `chat` grant (twilio-node `ChatGrant`): Conversations and Programmable Chat. */
export interface ChatGrantOptions {
  /** Conversation/Chat Service SID (`IS…`). */
  serviceSid?: string;
  endpointId?: string;
  /** Role SID (`RL…`) assigned to the user. */
  deploymentRoleSid?: string;
  pushCredentialSid?: string;
}

/** `sync` grant (twilio-node `SyncGrant`, claim `data_sync`). */
export interface SyncGrantOptions {
  /** Sync Service SID (`IS…`). */
  serviceSid?: string;
  endpointId?: string;
}

/** `taskRouter` grant (twilio-node `TaskRouterGrant`, claim `task_router`). */
export interface TaskRouterGrantOptions {
  /** Workspace SID (`WS…`). */
  workspaceSid?: string;
  /** Worker SID (`WK…`). */
  workerSid?: string;
  /** Role, e.g. `"worker"`. */
  role?: string;
}

/** `playback` grant (twilio-node `PlaybackGrant`, claim `player`): Live player access. */
export interface PlaybackGrantOptions {
  /** The grant object the PlayerStreamer PlaybackGrant API returned, passed through as is. */
  grant?: Record<string, unknown>;
}

/**
 * The grants of one token. Claims appear in the order of these keys, as grants do in the order of
 * twilio-node's `addGrant` calls.
 */
export interface AccessTokenGrants {
  voice?: VoiceGrantOptions;
  video?: VideoGrantOptions;
  chat?: ChatGrantOptions;
  sync?: SyncGrantOptions;
  taskRouter?: TaskRouterGrantOptions;
  playback?: PlaybackGrantOptions;
}

// Each grant's claim name and options, in the order twilio-node's `toPayload()` writes them. A plain
// string option's claim is its snake_case name (`serviceSid` → `service_sid`); the rest are special.
const GRANTS: Record<string, readonly [claim: string, options: string]> = {
  voice: ["voice", "incomingAllow outgoingApplicationSid outgoingApplicationParams pushCredentialSid endpointId"],
  video: ["video", "room"],
  chat: ["chat", "serviceSid endpointId deploymentRoleSid pushCredentialSid"],
  sync: ["data_sync", "serviceSid endpointId"],
  taskRouter: ["task_router", "workspaceSid workerSid role"],
  playback: ["player", "grant"],
};

// A BigInt or a cycle would make JSON.stringify throw later, without the option's name.
function isJson(value: unknown): boolean {
  try {
    return !!JSON.stringify(value);
  } catch {
    return false;
  }
}

// Claims of one grant. Voice's `outgoing` object gets its params after its application SID, as in
// twilio-node; an empty string leaves a field out, also as in twilio-node.
function grantClaims(options: Record<string, unknown>, names: string[], at: string): Record<string, unknown> {
  knownKeys(options, names, at);
  const claims: Record<string, unknown> & { outgoing?: Record<string, unknown> } = {};
  for (const name of names) {
    const value = options[name];
    const option = `${at}.${name}`;
    if (name === "incomingAllow") {
      check(value === undefined || typeof value === "boolean", option, "a boolean");
      if (value) claims.incoming = { allow: true };
    } else if (name === "grant" || name === "outgoingApplicationParams") {
      if (value === undefined) continue;
      check(isRecord(value) && isJson(value), option, "a JSON object");
      if (name === "grant") return value;
      // twilio-node drops params silently without an application SID: always a mistake
      check(claims.outgoing, option, "sent with outgoingApplicationSid");
      claims.outgoing.params = value;
    } else {
      const text = optionalString(value, option);
      if (!text) continue;
      if (name === "outgoingApplicationSid") claims.outgoing = { application_sid: text };
      else claims[name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = text;
    }
  }
  return claims;
}

/**
 * The `grants` claim: `identity` first, then each grant in the order of the keys of `grants`.
 * @throws TypeError naming the grant or grant option that is unknown or of the wrong type.
 */
export function grantsClaim(identity: string, grants: unknown): Record<string, unknown> {
  const claim: Record<string, unknown> = { identity };
  if (grants === undefined) return claim;
  const bag = record(grants, "grants");
  knownKeys(bag, Object.keys(GRANTS), "grants");
  for (const [name, options] of Object.entries(bag)) {
    const [key, names] = GRANTS[name]!;
    const at = `grants.${name}`;
    if (options !== undefined) claim[key] = grantClaims(record(options, at), names.split(" "), at);
  }
  return claim;
}
