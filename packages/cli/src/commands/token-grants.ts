// `--grant kind[:option=value[,option=value…]]` → the `grants` of @twilio-kit/tokens. Option names
// are twilio-node's (camelCase), also accepted in kebab-case or as the claim's snake_case name.
import type { AccessTokenGrants } from "@twilio-kit/tokens";
import { usageError } from "../errors.js";
import { nearest } from "../suggest.js";

type GrantName = keyof AccessTokenGrants;

/** Options of each grant, as @twilio-kit/tokens (and twilio-node) name them. */
export const GRANT_OPTIONS: Record<GrantName, readonly string[]> = {
  voice: ["incomingAllow", "outgoingApplicationSid", "outgoingApplicationParams", "pushCredentialSid", "endpointId"],
  video: ["room"],
  chat: ["serviceSid", "endpointId", "deploymentRoleSid", "pushCredentialSid"],
  sync: ["serviceSid", "endpointId"],
  taskRouter: ["workspaceSid", "workerSid", "role"],
  playback: ["grant"],
};

// What people type for the grant kinds: twilio-node class names, claim names, product names.
const KIND_ALIASES: Record<string, GrantName> = {
  voice: "voice",
  video: "video",
  chat: "chat",
  conversations: "chat",
  sync: "sync",
  data_sync: "sync",
  taskrouter: "taskRouter",
  "task-router": "taskRouter",
  task_router: "taskRouter",
  playback: "playback",
  player: "playback",
};

const camel = (name: string) => name.replace(/[-_]([a-z])/g, (_, c: string) => c.toUpperCase());

// Split on commas that start another `name=`, so a room name may contain commas.
const splitOptions = (text: string) => text.split(/,(?=[A-Za-z][\w.-]*=)/);

function setOption(grant: Record<string, unknown>, kind: GrantName, pair: string, spec: string): void {
  const eq = pair.indexOf("=");
  if (eq <= 0) throw usageError(`--grant ${JSON.stringify(spec)}: expected option=value after "${kind}:"`, `e.g. --grant video:room=daily`);
  const [rawName, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
  // `outgoingApplicationParams.To=+1555…` sets one param of the voice grant
  const [head, ...path] = rawName.split(".");
  const name = camel(head!);
  const known = GRANT_OPTIONS[kind];
  if (!known.includes(name)) {
    const guess = nearest(name, [...known]);
    throw usageError(`--grant ${kind}: unknown option ${JSON.stringify(rawName)}`, guess ? `did you mean ${guess}?` : `options: ${known.join(", ")}`);
  }
  if (name === "incomingAllow") {
    if (value !== "true" && value !== "false") throw usageError(`--grant voice:incomingAllow takes true or false, got ${JSON.stringify(value)}`);
    grant.incomingAllow = value === "true";
  } else if (name === "outgoingApplicationParams") {
    if (path.length !== 1) throw usageError("--grant voice: set one param at a time: outgoingApplicationParams.<Name>=value");
    grant.outgoingApplicationParams = { ...(grant.outgoingApplicationParams as object), [path[0]!]: value };
  } else if (name === "grant") {
    try {
      grant.grant = JSON.parse(value);
    } catch {
      throw usageError("--grant playback:grant=… takes the JSON object Twilio's PlaybackGrant API returned");
    }
  } else {
    grant[name] = value;
  }
}

/**
 * Parses the repeated `--grant` flags; repeats of one kind merge (`--grant voice:incomingAllow=true
 * --grant voice:outgoingApplicationSid=AP…`). Keys keep the order of first mention.
 * @throws CliError (usage) naming the spec that does not parse.
 */
export function parseGrants(specs: readonly string[]): AccessTokenGrants {
  const grants: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const colon = spec.indexOf(":");
    const rawKind = colon === -1 ? spec : spec.slice(0, colon);
    const kind = KIND_ALIASES[rawKind.toLowerCase()];
    if (!kind) {
      const guess = nearest(rawKind, Object.keys(GRANT_OPTIONS));
      throw usageError(`--grant: unknown grant ${JSON.stringify(rawKind)}`, guess ? `did you mean ${guess}?` : `grants: ${Object.keys(GRANT_OPTIONS).join(", ")}`);
    }
    const grant = (grants[kind] ??= {});
    if (colon !== -1 && spec.length > colon + 1) for (const pair of splitOptions(spec.slice(colon + 1))) setOption(grant, kind, pair, spec);
  }
  return grants as AccessTokenGrants;
}
