// Profiles on disk: $XDG_CONFIG_HOME/twilio-kit/config.json (default ~/.config/twilio-kit/), written
// 0600 in a 0700 directory, atomically. twilio-cli's ~/.twilio-cli/config.json is read (in place, or
// copied by `twk profiles import`), never written.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CliError } from "./errors.js";
import { EXIT } from "./exit-codes.js";

/** One set of credentials and where to send requests. */
export interface Profile {
  accountSid: string;
  authToken?: string;
  apiKey?: string;
  apiSecret?: string;
  /** Send requests here instead of twilio.com (the sandbox). */
  baseUrl?: string;
  region?: string;
  edge?: string;
}

/** The config file. */
export interface ConfigFile {
  activeProfile?: string;
  profiles: Record<string, Profile>;
}

/** A profile with where it came from. */
export interface NamedProfile {
  name: string;
  profile: Profile;
  source: "twilio-kit" | "twilio-cli";
}

/** The twilio-kit config directory for this environment. */
export function configDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "twilio-kit");
}

/** The config file path. */
export function configPath(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), "config.json");
}

/**
 * Reads the config (empty when absent).
 * @throws CliError (auth) when the file is not valid JSON.
 */
export function readConfig(env: NodeJS.ProcessEnv): ConfigFile {
  const path = configPath(env);
  if (!existsSync(path)) return { profiles: {} };
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<ConfigFile>;
    return { activeProfile: parsed.activeProfile, profiles: parsed.profiles ?? {} };
  } catch (error) {
    // Not the parser's message: V8 quotes a slice of the text, which may be a secret.
    const reason = error instanceof SyntaxError ? "not valid JSON" : ((error as NodeJS.ErrnoException).code ?? "unreadable");
    throw new CliError(`cannot read ${path}: ${reason}`, EXIT.auth, "fix or delete the file, then run `twk login`");
  }
}

/** Writes the config atomically with mode 0600 (secrets live in it). */
export function writeConfig(env: NodeJS.ProcessEnv, config: ConfigFile): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = configPath(env);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600); // the mode option is masked by umask; chmod is not
  renameSync(temp, path);
  return path;
}

/** One profile as twilio-cli stores it (`profiles` map, or the legacy `projects` array). */
interface TwilioCliProfile {
  accountSid?: unknown;
  apiKey?: unknown;
  apiSecret?: unknown;
  region?: unknown;
  edge?: unknown;
}

interface TwilioCliConfig {
  /** Applies to every profile without its own (`twilio config:set --edge`). */
  edge?: unknown;
  /** What twilio-cli writes for the active profile (historical name). */
  activeProject?: unknown;
  activeProfile?: unknown;
  profiles?: Record<string, TwilioCliProfile>;
  /** Profiles of twilio-cli < 2.0, whose API key and secret live in the OS keychain. */
  projects?: ({ id?: unknown } & TwilioCliProfile)[];
}

/** One twilio-cli profile, read as is: the secret is absent when twilio-cli keeps it in the keychain. */
export interface TwilioCliEntry {
  name: string;
  accountSid?: string;
  apiKey?: string;
  apiSecret?: string;
  region?: string;
  edge?: string;
}

/** twilio-cli's config file: `$TWILIO_CONFIG_DIR/config.json`, default `~/.twilio-cli/config.json` (as twilio-cli does). */
export function twilioCliConfigPath(env: NodeJS.ProcessEnv): string {
  return join(env.TWILIO_CONFIG_DIR || join(env.HOME || homedir(), ".twilio-cli"), "config.json");
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value.trim() ? value.trim() : undefined);

/**
 * Reads twilio-cli's config file (never writes it): every profile, `profiles` first, then legacy
 * `projects` of the same name are hidden, as twilio-cli does.
 * @throws CliError (usage) when the file is missing, unreadable or not a twilio-cli config.
 */
export function readTwilioCliConfig(path: string): { active?: string; entries: TwilioCliEntry[] } {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === "ENOENT" ? `no twilio-cli config at ${path}` : `cannot read ${path} (${code ?? "error"})`, EXIT.usage, "pass its location with --from PATH");
  }
  let parsed: TwilioCliConfig;
  try {
    parsed = JSON.parse(raw) as TwilioCliConfig;
  } catch {
    // Not the parser's message: V8 quotes a slice of the text, which may be a secret.
    throw new CliError(`${path} is not valid JSON`, EXIT.usage);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new CliError(`${path} is not a twilio-cli config (expected a JSON object)`, EXIT.usage);
  const sharedEdge = text(parsed.edge);
  const entries: TwilioCliEntry[] = [];
  const add = (name: string, p: TwilioCliProfile) => {
    if (entries.some((e) => e.name === name) || typeof p !== "object" || p === null) return;
    const entry: TwilioCliEntry = { name };
    for (const key of ["accountSid", "apiKey", "apiSecret", "region", "edge"] as const) {
      const value = text(p[key]);
      if (value) entry[key] = value;
    }
    entry.edge ??= sharedEdge;
    if (entry.edge === undefined) delete entry.edge;
    entries.push(entry);
  };
  const profiles = typeof parsed.profiles === "object" && parsed.profiles !== null ? parsed.profiles : {};
  for (const [name, p] of Object.entries(profiles)) add(name, p);
  for (const project of Array.isArray(parsed.projects) ? parsed.projects : []) {
    const name = text(project?.id);
    if (name) add(name, project);
  }
  const active = text(parsed.activeProject) ?? text(parsed.activeProfile);
  return active && entries.some((e) => e.name === active) ? { active, entries } : { entries };
}

/**
 * Profiles of twilio-cli, read in place (read-only). Profiles whose secret twilio-cli keeps in the OS
 * keychain have no secret in the file and are skipped here (`twk profiles import` reports them).
 */
export function readTwilioCliProfiles(env: NodeJS.ProcessEnv): { active?: string; profiles: Record<string, Profile> } {
  const path = twilioCliConfigPath(env);
  if (!existsSync(path)) return { profiles: {} };
  let config: ReturnType<typeof readTwilioCliConfig>;
  try {
    config = readTwilioCliConfig(path);
  } catch {
    return { profiles: {} };
  }
  const profiles: Record<string, Profile> = {};
  for (const { name, accountSid, apiKey, apiSecret, region, edge } of config.entries) {
    if (!accountSid || !apiKey || !apiSecret) continue;
    const profile: Profile = { accountSid, apiKey, apiSecret };
    if (region) profile.region = region;
    if (edge) profile.edge = edge;
    profiles[name] = profile;
  }
  const { active } = config;
  return active && profiles[active] ? { active, profiles } : { profiles };
}

/** Every profile, ours first; a twilio-cli profile with the same name as ours is hidden. */
export function listProfiles(env: NodeJS.ProcessEnv): { active?: string; profiles: NamedProfile[] } {
  const config = readConfig(env);
  const imported = readTwilioCliProfiles(env);
  const profiles: NamedProfile[] = Object.entries(config.profiles).map(([name, profile]) => ({ name, profile, source: "twilio-kit" }));
  for (const [name, profile] of Object.entries(imported.profiles)) {
    if (!(name in config.profiles)) profiles.push({ name, profile, source: "twilio-cli" });
  }
  const active = config.activeProfile ?? imported.active;
  return active === undefined ? { profiles } : { active, profiles };
}

/** Looks up a profile by name in ours, then in twilio-cli's. */
export function findProfile(env: NodeJS.ProcessEnv, name: string): NamedProfile | undefined {
  return listProfiles(env).profiles.find((p) => p.name === name);
}
