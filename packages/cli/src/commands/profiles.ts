// `twk login` and `twk profiles list|use|remove`. Secrets are written once (0600) and never printed.
import { GLOBAL_FLAGS, parseArgs, renderFlags, stringFlag, type FlagSpecs } from "../args.js";
import { listProfiles, readConfig, writeConfig, type Profile } from "../config.js";
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
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw usageError(`invalid profile name ${JSON.stringify(name)}`, "use letters, digits, dot, dash and underscore");
  let accountSid = stringFlag(flags, "account-sid") ?? stringFlag(flags, "auth-account-sid");
  let authToken = stringFlag(flags, "auth-token");
  const apiKey = stringFlag(flags, "api-key");
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

const PROFILES_HELP = `Usage: twk profiles list
       twk profiles use <name>
       twk profiles remove <name>

Profiles come from twk login, plus twilio-cli's ~/.twilio-cli/config.json (read-only).
`;

/** `twk profiles …`. */
export async function runProfiles(argv: readonly string[], ctx: Context): Promise<number> {
  const { io } = ctx;
  const { flags, positionals } = parseArgs(argv, GLOBAL_FLAGS);
  const [sub, name, ...extra] = positionals;
  if (flags.help) return io.out(PROFILES_HELP).then(() => EXIT.ok);
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
  throw usageError(`unknown command "profiles ${sub}"`, "use list, use or remove");
}
