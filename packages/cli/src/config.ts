// Profiles on disk: $XDG_CONFIG_HOME/twilio-kit/config.json (default ~/.config/twilio-kit/), written
// 0600 in a 0700 directory, atomically. twilio-cli's ~/.twilio-cli/config.json is read, never written.
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
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`, EXIT.auth, "fix or delete the file, then run `twk login`");
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

interface TwilioCliConfig {
  activeProfile?: string;
  activeProject?: string;
  profiles?: Record<string, { accountSid?: string; apiKey?: string; apiSecret?: string; region?: string; edge?: string }>;
  projects?: { id: string; accountSid?: string; apiKey?: string; apiSecret?: string; region?: string }[];
}

/**
 * Profiles of twilio-cli (`~/.twilio-cli/config.json`), read-only. Profiles whose secret twilio-cli
 * keeps in the OS keychain have no secret in the file and are skipped.
 */
export function readTwilioCliProfiles(env: NodeJS.ProcessEnv): { active?: string; profiles: Record<string, Profile> } {
  const path = join(env.HOME || homedir(), ".twilio-cli", "config.json");
  if (!existsSync(path)) return { profiles: {} };
  let parsed: TwilioCliConfig;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8")) as TwilioCliConfig;
  } catch {
    return { profiles: {} };
  }
  const entries: [string, { accountSid?: string; apiKey?: string; apiSecret?: string; region?: string; edge?: string }][] = [
    ...Object.entries(parsed.profiles ?? {}),
    ...(parsed.projects ?? []).map((project) => [project.id, project] as [string, typeof project]),
  ];
  const profiles: Record<string, Profile> = {};
  for (const [name, p] of entries) {
    if (!p.accountSid || !p.apiKey || !p.apiSecret) continue;
    const profile: Profile = { accountSid: p.accountSid, apiKey: p.apiKey, apiSecret: p.apiSecret };
    if (p.region) profile.region = p.region;
    if (p.edge) profile.edge = p.edge;
    profiles[name] = profile;
  }
  const active = parsed.activeProfile ?? parsed.activeProject;
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
