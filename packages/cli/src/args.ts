// A small argv parser: long flags (`--to +1555`, `--to=+1555`), a few short aliases (`-o json`),
// boolean flags, repeated flags for arrays, and `--` to end flags. Startup cost matters more than
// features here: twk must start in about the time node itself does.
import { usageError } from "./errors.js";
import { nearest } from "./suggest.js";

/** How one flag takes its value. */
export interface FlagSpec {
  /** `boolean` flags take no value (`--no-limit`), or an explicit `=true|false`. */
  type: "string" | "boolean";
  /** Repeatable: values are collected into an array (`--media-url a --media-url b`). */
  multiple?: boolean;
  /** One-letter alias, without the dash. */
  short?: string;
  /** Value placeholder and one-line description, for help. */
  value?: string;
  description?: string;
}

/** Flag specs by long name (without the dashes). */
export type FlagSpecs = Record<string, FlagSpec>;

/** Parsed flags by long name: a string, `true`, or the values of a repeated flag. */
export type FlagValues = Record<string, string | boolean | string[]>;

/** The result of parsing. */
export interface ParsedArgs {
  positionals: string[];
  flags: FlagValues;
}

/** Flags every command accepts. */
export const GLOBAL_FLAGS: FlagSpecs = {
  output: { type: "string", short: "o", value: "table|json|ndjson|csv", description: "Output format (table on a TTY, json otherwise)" },
  properties: { type: "string", value: "a,b", description: "Columns of table and csv output (wire names, comma-separated)" },
  limit: { type: "string", value: "n", description: "Stop a list after n items (default 50)" },
  "page-size": { type: "string", value: "n", description: "Items per API page" },
  "no-limit": { type: "boolean", description: "Stream every item of a list, page by page" },
  profile: { type: "string", short: "p", value: "name", description: "Credentials profile to use" },
  "base-url": { type: "string", value: "url", description: "Send requests to this server (e.g. the sandbox)" },
  "auth-account-sid": { type: "string", value: "AC…", description: "Account SID the credentials belong to" },
  "auth-token": { type: "string", value: "token", description: "Auth token (prefer a profile or TWILIO_AUTH_TOKEN)" },
  "api-key": { type: "string", value: "SK…", description: "API key SID" },
  "api-secret": { type: "string", value: "secret", description: "API key secret (prefer a profile or TWILIO_API_SECRET)" },
  region: { type: "string", value: "region", description: "Twilio region (e.g. ie1)" },
  edge: { type: "string", value: "edge", description: "Twilio edge (e.g. dublin)" },
  "no-color": { type: "boolean", description: "Plain output (also NO_COLOR=1)" },
  help: { type: "boolean", short: "h", description: "Show help" },
};

/**
 * Parses argv against the given specs.
 * @throws CliError (usage) on an unknown flag or a missing value.
 */
export function parseArgs(argv: readonly string[], specs: FlagSpecs): ParsedArgs {
  const positionals: string[] = [];
  const flags: FlagValues = {};
  const shorts = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.short) shorts.set(spec.short, name);

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (token.startsWith("--") && token.length > 2) {
      const eq = token.indexOf("=");
      name = eq === -1 ? token.slice(2) : token.slice(2, eq);
      inline = eq === -1 ? undefined : token.slice(eq + 1);
    } else if (token.startsWith("-") && token.length === 2 && token !== "--" && !/^-\d$/.test(token)) {
      const long = shorts.get(token.slice(1));
      if (!long) throw usageError(`unknown flag ${token}`);
      name = long;
    } else {
      positionals.push(token);
      continue;
    }
    const spec = specs[name];
    if (!spec) {
      const guess = nearest(name, Object.keys(specs));
      throw usageError(`unknown flag --${name}`, guess ? `did you mean --${guess}?` : "see --help for the flags of this command");
    }
    let value: string | boolean;
    if (spec.type === "boolean") {
      if (inline === undefined) value = true;
      else if (inline === "true" || inline === "false") value = inline === "true";
      else throw usageError(`--${name} is a switch: use --${name} or --${name}=false`);
    } else if (inline !== undefined) {
      value = inline;
    } else {
      if (i + 1 >= argv.length) throw usageError(`--${name} needs a value${spec.value ? ` (${spec.value})` : ""}`);
      value = argv[++i]!;
    }
    if (spec.multiple) {
      const list = (flags[name] as string[] | undefined) ?? [];
      list.push(String(value));
      flags[name] = list;
    } else {
      flags[name] = value;
    }
  }
  return { positionals, flags };
}

/** A string flag's value, if given. */
export function stringFlag(flags: FlagValues, name: string): string | undefined {
  const value = flags[name];
  if (Array.isArray(value)) return value.at(-1);
  return typeof value === "string" ? value : undefined;
}

/**
 * A non-negative integer flag's value, if given.
 * @throws CliError (usage) when it is not an integer.
 */
export function intFlag(flags: FlagValues, name: string, min = 0): number | undefined {
  const raw = stringFlag(flags, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw usageError(`--${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** Renders flag specs as help lines. */
export function renderFlags(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const left = `${spec.short ? `-${spec.short}, ` : "    "}--${name}${spec.value ? ` <${spec.value}>` : ""}`;
    return [left, spec.description ?? ""] as const;
  });
  const width = Math.min(40, Math.max(...rows.map(([left]) => left.length)));
  return rows.map(([left, text]) => `  ${left.padEnd(width)}  ${text}`.trimEnd()).join("\n");
}
