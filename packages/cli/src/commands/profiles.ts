// `twk login` and `twk profiles list|use|remove|import`. Secrets are written once (0600) and never printed.
import { GLOBAL_FLAGS, parseArgs, renderFlags, stringFlag, type FlagSpecs, type FlagValues } from "../args.js";
import { configPath, listProfiles, readConfig, readTwilioCliConfig, twilioCliConfigPath, writeConfig, type Profile, type TwilioCliEntry } from "../config.js";
import type { Context } from "../context.js";
import { CliError, usageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import type { Io } from "../io.js";
import { outputOptions, printList } from "../output.js";

const LOGIN_FLAGS: FlagSpecs = {
  "account-sid": { type: "string", value: "AC…", description: "Account SID" },
  "secret-stdin": { type: "boolean", description: "Read the auth token (or API secret) from stdin" },
  "no-use": { type: "boolean", description: "Do not make this the active profile" },
  ...GLOBAL_FLAGS,
};

const LOGIN_HELP = `Save credentials as a profile (in $XDG_CONFIG_HOME/twilio-kit/config.json, mode 0600).

Usage: twk login [--profile name] --account-sid AC… (--auth-token … | --api-key SK… --api-secret …)
       echo "$TOKEN" | twk login --account-sid AC… --secret-stdin
       twk login --profile sandbox --base-url http://127.0.0.1:3000 --account-sid AC… --auth-token …

On a terminal, missing values are prompted for (secrets without echo). Without a terminal, twk never
waits for input: missing values are an error.

Flags:
${renderFlags(LOGIN_FLAGS)}
`;

/** Prompts on the terminal; `hidden` stops the echo (for secrets). */
async function prompt(io: Io, question: string, hidden: boolean): Promise<string> {
  const { createInterface } = await import("node:readline");
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (hidden) {
    // readline echoes through _writeToOutput; swallow everything after the question
    const internal = rl as unknown as { _writeToOutput: (text: string) => void };
    let asked = false;
    internal._writeToOutput = (text: string) => {
      if (!asked) {
        asked = true;
        process.stderr.write(text);
      }
    };
  }
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) io.err("\n");
      resolve(answer.trim());
    });
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

/** `twk login`. */
export async function runLogin(argv: readonly string[], ctx: Context): Promise<number> {
  const { io } = ctx;
  const { flags, positionals } = parseArgs(argv, LOGIN_FLAGS);
  if (flags.help) return io.out(LOGIN_HELP).then(() => EXIT.ok);
  if (positionals.length) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`, "twk login --help");
  const name = stringFlag(flags, "profile") ?? "default";
  if (!PROFILE_NAME.test(name)) throw usageError(`invalid profile name ${JSON.stringify(name)}`, "use letters, digits, dot, dash and underscore");
  let accountSid = stringFlag(flags, "account-sid") ?? stringFlag(flags, "auth-account-sid");
  let authToken = stringFlag(flags, "auth-token");
  // Without --account-sid, an existing profile is completed: its SID, API key, base URL, region and
  // edge are kept and only the secret is set (e.g. after `twk profiles import` found no secret).
  const existing = accountSid ? undefined : readConfig(io.env).profiles[name];
  accountSid ??= existing?.accountSid;
  const apiKey = stringFlag(flags, "api-key") ?? (authToken ? undefined : existing?.apiKey);
  let apiSecret = stringFlag(flags, "api-secret");
  if (flags["secret-stdin"]) {
    const secret = await readStdin();
    if (!secret) throw usageError("--secret-stdin: stdin was empty");
    if (apiKey) apiSecret = secret;
    else authToken = secret;
  }
  const canPrompt = io.isInTty && io.isErrTty && !flags["secret-stdin"];
  if (!accountSid) {
    if (!canPrompt) throw usageError("twk login needs --account-sid (no terminal to ask on)", "twk login --help");
    accountSid = await prompt(io, "Account SID (AC…): ", false);
  }
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) throw usageError("the account SID must be AC followed by 32 hex digits");
  if (apiKey && !apiSecret) {
    if (!canPrompt) throw usageError("--api-key needs --api-secret or --secret-stdin (no terminal to ask on)");
    apiSecret = await prompt(io, "API key secret: ", true);
  }
  if (!apiKey && !authToken) {
    if (!canPrompt) throw usageError("twk login needs --auth-token, --api-key/--api-secret or --secret-stdin (no terminal to ask on)");
    authToken = await prompt(io, "Auth token: ", true);
  }
  if (apiKey && !/^SK[0-9a-fA-F]{32}$/.test(apiKey)) throw usageError("--api-key must be SK followed by 32 hex digits");
  if (!(apiKey ? apiSecret : authToken)) throw usageError("empty secret");
  const profile: Profile = apiKey ? { accountSid, apiKey, apiSecret: apiSecret! } : { accountSid, authToken: authToken! };
  for (const key of ["baseUrl", "region", "edge"] as const) if (existing?.[key]) profile[key] = existing[key];
  for (const key of ["base-url", "region", "edge"] as const) {
    const value = stringFlag(flags, key);
    if (value) profile[key === "base-url" ? "baseUrl" : key] = value;
  }
  if (profile.baseUrl) {
    try {
      new URL(profile.baseUrl);
    } catch {
      throw usageError(`--base-url is not a URL: ${JSON.stringify(profile.baseUrl)}`);
    }
  }
  const config = readConfig(io.env);
  config.profiles[name] = profile;
  if (!flags["no-use"]) config.activeProfile = name;
  const path = writeConfig(io.env, config);
  io.err(`saved profile ${name} (${accountSid}) to ${path}${flags["no-use"] ? "" : "; it is now active"}\n`);
  return EXIT.ok;
}

const PROFILE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

const IMPORT_FLAGS: FlagSpecs = {
  from: { type: "string", value: "path", description: "twilio-cli's config file (default $TWILIO_CONFIG_DIR/config.json, else ~/.twilio-cli/config.json)" },
  force: { type: "boolean", description: "Replace twk profiles of the same name" },
};

const PROFILES_FLAGS: FlagSpecs = { ...IMPORT_FLAGS, ...GLOBAL_FLAGS };

const PROFILES_HELP = `Usage: twk profiles list
       twk profiles use <name>
       twk profiles remove <name>
       twk profiles import [name…] [--from path] [--force]

Profiles come from twk login, plus twilio-cli's ~/.twilio-cli/config.json, which twk reads in place
and never changes. \`import\` copies twilio-cli's profiles (account SID, API key and secret, region,
edge) into twk's config (0600), so they keep working without twilio-cli; the secret is never printed.
twilio-cli versions that keep the secret in the system keychain leave it out of config.json: such
profiles are imported without it, to be completed with
  echo "$SECRET" | twk login --profile <name> --secret-stdin

Import flags:
${renderFlags(IMPORT_FLAGS)}
`;

/** One line of the import report: never a secret. */
interface ImportRow {
  name: string;
  /** imported | no-secret (imported, secret to supply) | exists (kept ours) | invalid (not imported). */
  status: "imported" | "no-secret" | "exists" | "invalid";
  account_sid: string | null;
  api_key: string | null;
  region: string | null;
  edge: string | null;
  note: string | null;
}

/** Why a twilio-cli profile cannot be imported, if it cannot. */
function invalidReason(entry: TwilioCliEntry): string | undefined {
  if (!PROFILE_NAME.test(entry.name)) return "the name is not usable by twk (letters, digits, dot, dash, underscore; ≤ 64)";
  if (!entry.accountSid) return "no account SID";
  if (!/^AC[0-9a-fA-F]{32}$/.test(entry.accountSid)) return "the account SID is not AC followed by 32 hex digits";
  if (entry.apiKey && !/^SK[0-9a-fA-F]{32}$/.test(entry.apiKey)) return "the API key is not SK followed by 32 hex digits";
  for (const key of ["region", "edge"] as const) {
    if (entry[key] && !/^[a-z0-9-]{1,32}$/i.test(entry[key])) return `the ${key} is not letters, digits and dashes`;
  }
  return undefined;
}

/** `twk profiles import`: copies twilio-cli's profiles into our config; twilio-cli's file is only read. */
async function importProfiles(names: readonly string[], flags: FlagValues, io: Io): Promise<number> {
  const path = stringFlag(flags, "from") ?? twilioCliConfigPath(io.env);
  const source = readTwilioCliConfig(path);
  const missing = names.filter((n) => !source.entries.some((e) => e.name === n));
  if (missing.length) {
    const known = source.entries.map((e) => e.name);
    throw usageError(`no twilio-cli profile named ${missing.map((n) => JSON.stringify(n)).join(", ")} in ${path}`, known.length ? `profiles there: ${known.join(", ")}` : "that file has no profiles");
  }
  const entries = names.length ? source.entries.filter((e) => names.includes(e.name)) : source.entries;
  const config = readConfig(io.env);
  const rows: ImportRow[] = [];
  for (const entry of entries) {
    const row: ImportRow = { name: entry.name, status: "imported", account_sid: entry.accountSid ?? null, api_key: entry.apiKey ?? null, region: entry.region ?? null, edge: entry.edge ?? null, note: null };
    rows.push(row);
    const invalid = invalidReason(entry);
    if (invalid) {
      Object.assign(row, { status: "invalid", note: invalid });
      continue;
    }
    const ours = config.profiles[entry.name];
    if (ours && !flags.force) {
      Object.assign(row, { status: "exists", note: "twk already has a profile of this name (--force replaces it)" });
      continue;
    }
    const profile: Profile = { accountSid: entry.accountSid! };
    if (entry.apiKey) profile.apiKey = entry.apiKey;
    if (entry.apiKey && entry.apiSecret) profile.apiSecret = entry.apiSecret;
    if (entry.region) profile.region = entry.region;
    if (entry.edge) profile.edge = entry.edge;
    if (!profile.apiSecret) {
      Object.assign(row, {
        status: "no-secret",
        note: entry.apiKey ? "the API secret is not in twilio-cli's file (system keychain)" : "twilio-cli keeps this profile's API key in the system keychain",
      });
    }
    config.profiles[entry.name] = profile;
  }
  const written = rows.filter((r) => r.status === "imported" || r.status === "no-secret");
  let activated: string | undefined;
  if (written.length) {
    // Our active profile stays; without one, twilio-cli's active profile becomes ours.
    if (config.activeProfile === undefined && source.active && written.some((r) => r.name === source.active)) activated = config.activeProfile = source.active;
    writeConfig(io.env, config);
  }
  async function* items() {
    yield* rows;
  }
  await printList(io, items(), outputOptions(flags, io), ["name", "status", "account_sid", "api_key", "region", "edge", "note"]);
  if (!rows.length) io.err(`no profiles in ${path}\n`);
  else io.err(`imported ${written.length} of ${rows.length} profiles from ${path} (read only) into ${configPath(io.env)}${activated ? `; active profile: ${activated}` : ""}\n`);
  for (const row of rows.filter((r) => r.status === "no-secret")) {
    // login completes the profile: with its API key the secret read is the key's, else an auth token
    const what = row.api_key ? `the secret of ${row.api_key}` : "its auth token (or add --api-key SK… for a key's secret)";
    io.err(`${row.name}: no secret imported; supply ${what} with: echo "$SECRET" | twk login --profile ${row.name} --secret-stdin\n`);
  }
  for (const row of rows.filter((r) => r.status === "invalid" || r.status === "exists")) io.err(`${row.name}: not imported: ${row.note}\n`);
  return EXIT.ok;
}

/** `twk profiles …`. */
export async function runProfiles(argv: readonly string[], ctx: Context): Promise<number> {
  const { io } = ctx;
  const { flags, positionals } = parseArgs(argv, PROFILES_FLAGS);
  const [sub, name, ...extra] = positionals;
  if (flags.help) return io.out(PROFILES_HELP).then(() => EXIT.ok);
  if (sub === "import") return importProfiles(positionals.slice(1), flags, io);
  for (const flag of Object.keys(IMPORT_FLAGS)) if (flag in flags) throw usageError(`--${flag} only applies to \`twk profiles import\``);
  if (extra.length) throw usageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (sub === "list" || sub === "ls") {
    const { active, profiles } = listProfiles(io.env);
    // Only what identifies a profile: never a token or secret.
    const rows = profiles.map((p) => ({
      name: p.name,
      active: p.name === active,
      account_sid: p.profile.accountSid,
      auth: p.profile.apiKey ? `api key ${p.profile.apiKey}` : "auth token",
      base_url: p.profile.baseUrl ?? null,
      region: p.profile.region ?? null,
      edge: p.profile.edge ?? null,
      source: p.source,
    }));
    async function* items() {
      yield* rows;
    }
    await printList(io, items(), outputOptions(flags, io), ["name", "active", "account_sid", "auth", "base_url", "source"]);
    return EXIT.ok;
  }
  if (sub === "use" || sub === "remove" || sub === "rm") {
    if (!name) throw usageError(`twk profiles ${sub} needs a profile name`);
    const config = readConfig(io.env);
    const known = listProfiles(io.env).profiles.find((p) => p.name === name);
    if (!known) throw new CliError(`no profile named ${JSON.stringify(name)}`, EXIT.usage, "twk profiles list");
    if (sub === "use") {
      config.activeProfile = name;
      writeConfig(io.env, config);
      io.err(`active profile: ${name}\n`);
      return EXIT.ok;
    }
    if (known.source === "twilio-cli") throw usageError(`${name} is twilio-cli's profile: twk reads it but never changes it`);
    delete config.profiles[name];
    if (config.activeProfile === name) delete config.activeProfile;
    writeConfig(io.env, config);
    io.err(`removed profile ${name}\n`);
    return EXIT.ok;
  }
  if (sub === undefined) {
    io.err(PROFILES_HELP);
    return EXIT.usage;
  }
  throw usageError(`unknown command "profiles ${sub}"`, "use list, use, remove or import");
}
