// Credentials (flags → env → profile) and the core client built from them.
import { createClient, type OperationSpec, type TwilioOptions } from "@twilio-kit/core";
import { stringFlag, type FlagValues } from "./args.js";
import { findProfile, listProfiles, type Profile } from "./config.js";
import { CliError } from "./errors.js";
import { EXIT } from "./exit-codes.js";
import { VERSION } from "./version.js";

/** Resolved credentials and where they came from (for `twk profiles` and error messages). */
export interface ResolvedCredentials extends Profile {
  source: string;
}

const SID = /^AC[0-9a-fA-F]{32}$/;

function fromFlags(flags: FlagValues, env: NodeJS.ProcessEnv): ResolvedCredentials | undefined {
  const authToken = stringFlag(flags, "auth-token");
  const apiKey = stringFlag(flags, "api-key");
  if (!authToken && !apiKey) return undefined;
  const accountSid = stringFlag(flags, "auth-account-sid") ?? env.TWILIO_ACCOUNT_SID ?? stringFlag(flags, "account-sid");
  if (!accountSid) throw new CliError("--auth-token/--api-key need the account: pass --auth-account-sid AC…", EXIT.auth);
  if (apiKey) {
    const apiSecret = stringFlag(flags, "api-secret") ?? env.TWILIO_API_SECRET;
    if (!apiSecret) throw new CliError("--api-key needs --api-secret (or TWILIO_API_SECRET)", EXIT.auth);
    return { source: "flags", accountSid, apiKey, apiSecret };
  }
  return { source: "flags", accountSid, authToken };
}

function fromEnv(env: NodeJS.ProcessEnv): ResolvedCredentials | undefined {
  const accountSid = env.TWILIO_ACCOUNT_SID;
  if (!accountSid) return undefined;
  if (env.TWILIO_API_KEY && env.TWILIO_API_SECRET) {
    return { source: "environment", accountSid, apiKey: env.TWILIO_API_KEY, apiSecret: env.TWILIO_API_SECRET };
  }
  if (env.TWILIO_AUTH_TOKEN) return { source: "environment", accountSid, authToken: env.TWILIO_AUTH_TOKEN };
  return undefined;
}

function fromProfile(env: NodeJS.ProcessEnv, name: string, how: string): ResolvedCredentials {
  const found = findProfile(env, name);
  if (!found) {
    const known = listProfiles(env).profiles.map((p) => p.name);
    throw new CliError(`no profile named ${JSON.stringify(name)} (${how})`, EXIT.auth, known.length ? `profiles: ${known.join(", ")}` : "create one with `twk login`");
  }
  const { profile } = found;
  if (!profile.authToken && !(profile.apiKey && profile.apiSecret)) {
    // An imported twilio-cli profile whose secret stayed in the system keychain
    throw new CliError(`profile ${name} has no ${profile.apiKey ? "API secret" : "auth token or API key"}`, EXIT.auth, `supply it: echo "$SECRET" | twk login --profile ${name} --secret-stdin`);
  }
  return { ...profile, source: `profile ${name}${found.source === "twilio-cli" ? " (twilio-cli)" : ""}` };
}

/** Region and edge are host labels (`ie1`, `dublin`); anything else would build another host name. */
const HOST_LABEL = /^[a-z0-9-]{1,32}$/i;

/**
 * The first of the flag, the env variable and the profile's value, checked.
 * @throws CliError (usage) naming where a malformed value came from.
 */
function hostLabel(flags: FlagValues, env: NodeJS.ProcessEnv, found: ResolvedCredentials, key: "region" | "edge"): string | undefined {
  const envName = key === "region" ? "TWILIO_REGION" : "TWILIO_EDGE";
  // an operation with its own `--region` (Addresses) takes ours as `--twk-region`
  const flagName = stringFlag(flags, `twk-${key}`) === undefined ? `--${key}` : `--twk-${key}`;
  const [value, from] = [
    [stringFlag(flags, key), flagName],
    [env[envName], envName],
    [found[key], `the ${key} of ${found.source}`],
  ].find(([v]) => v) ?? [undefined, ""];
  if (value !== undefined && !HOST_LABEL.test(value)) {
    throw new CliError(`${from} must be letters, digits and dashes (e.g. ${key === "region" ? "ie1" : "dublin"}), got ${JSON.stringify(value.slice(0, 40))}`, EXIT.usage);
  }
  return value;
}

/**
 * Resolves credentials in the documented order: flags (`--auth-token`/`--api-key`, then `--profile`),
 * environment (`TWILIO_ACCOUNT_SID` + token or key, then `TWILIO_PROFILE`), then the active profile.
 * @throws CliError (auth) when nothing usable is found.
 */
export function resolveCredentials(flags: FlagValues, env: NodeJS.ProcessEnv): ResolvedCredentials {
  const profileFlag = stringFlag(flags, "profile");
  const found =
    fromFlags(flags, env) ??
    (profileFlag ? fromProfile(env, profileFlag, "--profile") : undefined) ??
    fromEnv(env) ??
    (env.TWILIO_PROFILE ? fromProfile(env, env.TWILIO_PROFILE, "TWILIO_PROFILE") : undefined) ??
    (() => {
      const { active } = listProfiles(env);
      return active ? fromProfile(env, active, "active profile") : undefined;
    })();
  if (!found) {
    throw new CliError(
      "no credentials",
      EXIT.auth,
      "run `twk login`, set TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY/TWILIO_API_SECRET), or pass --profile",
    );
  }
  if (!SID.test(found.accountSid)) {
    throw new CliError(`the account SID from ${found.source} must be AC followed by 32 hex digits`, EXIT.auth);
  }
  // Where requests go is part of the credentials' context, but a flag or env always wins.
  const baseUrl = stringFlag(flags, "base-url") ?? env.TWILIO_BASE_URL ?? found.baseUrl;
  const region = hostLabel(flags, env, found, "region");
  const edge = hostLabel(flags, env, found, "edge");
  const result: ResolvedCredentials = { ...found };
  if (baseUrl) result.baseUrl = baseUrl;
  if (region) result.region = region;
  if (edge) result.edge = edge;
  return result;
}

/** The minimal client surface commands use. */
export interface CliClient {
  readonly accountSid: string;
  request(route: string, params?: Record<string, unknown>, init?: { signal?: AbortSignal }): Promise<unknown>;
  paginate(route: string, params?: Record<string, unknown>, options?: { limit?: number; pageSize?: number; signal?: AbortSignal }): AsyncGenerator<unknown, void, undefined>;
}

/**
 * A core client over just the routes a command uses (their table rows come from the command table).
 * Requests go to `{domain}.{edge}.{region}.twilio.com`, or to the base URL when one is set.
 * @throws CliError (auth) when credentials are missing.
 */
export function createCliClient(flags: FlagValues, env: NodeJS.ProcessEnv, table: Record<string, OperationSpec>, transport: { fetch?: typeof fetch } = {}): CliClient {
  const creds = resolveCredentials(flags, env);
  const options: TwilioOptions = { accountSid: creds.accountSid, userAgent: [`twk/${VERSION}`] };
  // Tests inject fetch to see the URL a region/edge yields without DNS; twk itself never does.
  if (transport.fetch) options.fetch = transport.fetch;
  if (creds.apiKey) {
    options.apiKey = creds.apiKey;
    options.apiSecret = creds.apiSecret;
  } else {
    options.authToken = creds.authToken;
  }
  if (creds.baseUrl) options.baseUrl = creds.baseUrl;
  if (creds.region) options.region = creds.region;
  if (creds.edge) options.edge = creds.edge;
  try {
    return createClient(options, table) as unknown as CliClient;
  } catch (error) {
    // core validates shapes (TypeError "[@twilio-kit/core] …"): that is a credentials problem here
    throw new CliError((error as Error).message.replace("[@twilio-kit/core] ", ""), EXIT.auth);
  }
}
