// `twk api <product> <version> <resource…> <verb>`: every operation of every spec, named like the
// core facade (`twilio.messaging.v1.services.list` → `twk api messaging v1 services list`; v2010
// resources also at the top: `twk api messages create`). Flags, validation and help come from the
// generated command table.
import { GLOBAL_FLAGS, intFlag, parseArgs, renderFlags, type FlagSpec, type FlagSpecs, type FlagValues } from "../args.js";
import {
  loadIndex,
  loadOperations,
  loadSpecCommands,
  normalizeWord,
  type CommandTree,
  type OperationEntry,
  type ParamEntry,
  type SpecCommands,
} from "../command-table.js";
import type { Context } from "../context.js";
import { usageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import { outputOptions, printList, printOne } from "../output.js";
import { nearest } from "../suggest.js";

/** Where a list of command words led. */
export type Resolution =
  | { kind: "op"; words: string[]; op: OperationEntry; rest: string[] }
  | { kind: "node"; words: string[]; children: Record<string, string>; rest: string[]; unknown?: string };

function summaryOf(ops: () => OperationEntry[], node: CommandTree | number): string {
  if (typeof node === "number") return ops()[node]!.s ?? "";
  return `${Object.keys(node).join(", ")}`;
}

/** Follows command words through the index and one spec's tree. Never throws. */
export function resolve(argv: readonly string[]): Resolution {
  const index = loadIndex();
  const words: string[] = [];
  let i = 0;
  const next = () => (i < argv.length && !argv[i]!.startsWith("-") ? normalizeWord(argv[i]!) : undefined);

  const top: Record<string, string> = {};
  for (const [domain, value] of Object.entries(index.specs)) {
    top[domain] = typeof value === "string" ? "" : `versions: ${Object.keys(value).join(", ")}`;
  }
  for (const resource of Object.keys(index.hoisted)) top[resource] = "(api v2010)";

  let word = next();
  if (word === undefined) return { kind: "node", words, children: top, rest: argv.slice(i) };
  let specName = "api_v2010";
  let spec: SpecCommands;
  let node: CommandTree;
  if (index.hoisted[word] && !(word in index.specs)) {
    spec = loadSpecCommands(specName);
    node = spec.tree;
  } else {
    const entry = index.specs[word];
    if (entry === undefined) return { kind: "node", words, children: top, rest: argv.slice(i), unknown: word };
    words.push(word);
    i++;
    if (typeof entry === "string") {
      specName = entry;
    } else {
      const version = next();
      const versions = Object.fromEntries(Object.keys(entry).map((v) => [v, ""]));
      if (version === undefined || !(version in entry)) {
        const base = { kind: "node" as const, words, children: versions, rest: argv.slice(i) };
        return version === undefined ? base : { ...base, unknown: version };
      }
      words.push(version);
      i++;
      specName = entry[version]!;
    }
    spec = loadSpecCommands(specName);
    node = spec.tree;
  }
  // The resource (first word inside the spec) names the file of operations below it.
  let resource: string | undefined;
  const ops = () => loadOperations(specName, resource!);
  for (;;) {
    word = next();
    const children = () => Object.fromEntries(Object.entries(node).map(([k, v]) => [k, summaryOf(ops, v)]));
    if (word === undefined) return { kind: "node", words, children: children(), rest: argv.slice(i) };
    const child = node[word];
    if (child === undefined) return { kind: "node", words, children: children(), rest: argv.slice(i), unknown: word };
    words.push(word);
    i++;
    resource ??= word;
    if (typeof child === "number") return { kind: "op", words, op: ops()[child]!, rest: argv.slice(i) };
    node = child;
  }
}

function valueHint(p: ParamEntry): string {
  if (p.e) return p.e.length <= 6 ? p.e.join("|") : `${p.e.slice(0, 5).join("|")}|…`;
  if (p.t === "boolean") return "true|false";
  return p.fm ?? p.t;
}

/** Flag specs of one operation, global flags included (an operation's own param wins a name). */
export function operationFlags(op: OperationEntry): { specs: FlagSpecs; renamed: Record<string, string> } {
  const specs: FlagSpecs = {};
  for (const p of op.p) {
    const spec: FlagSpec = { type: p.t === "boolean" && !p.m ? "boolean" : "string", value: valueHint(p) };
    if (p.m) spec.multiple = true;
    const notes = [p.r && p.n !== "AccountSid" ? "(required)" : "", p.m ? "(repeatable)" : "", p.d ?? ""];
    spec.description = notes.filter(Boolean).join(" ");
    specs[p.f] = spec;
  }
  const renamed: Record<string, string> = {};
  for (const [name, spec] of Object.entries(GLOBAL_FLAGS)) {
    if (name in specs) {
      // e.g. `--region` of Addresses: keep the API's name, move ours to `--twk-region`
      renamed[`twk-${name}`] = name;
      specs[`twk-${name}`] = { ...spec, short: undefined };
    } else {
      specs[name] = spec;
    }
  }
  return { specs, renamed };
}

/** The required path params that may be given positionally (`twk api messages fetch SM…`). */
function positionalParams(op: OperationEntry): ParamEntry[] {
  return op.p.filter((p) => p.i === "p" && p.n !== "AccountSid");
}

/** Help text of one operation. */
export function operationHelp(words: readonly string[], op: OperationEntry): string {
  const { specs } = operationFlags(op);
  const own: FlagSpecs = Object.fromEntries(op.p.map((p) => [p.f, specs[p.f]!]));
  const required = op.p.filter((p) => p.r && p.n !== "AccountSid").map((p) => `--${p.f} <${valueHint(p)}>`);
  const positional = positionalParams(op);
  const lines = [
    `${op.s ?? op.r}${op.x ? " (deprecated)" : ""}`,
    "",
    `Usage: twk api ${words.join(" ")} ${required.join(" ")} [flags]`.replace(/\s+/g, " ").trim(),
  ];
  if (positional.length === 1) lines.push(`       twk api ${words.join(" ")} <${positional[0]!.n}> [flags]`);
  lines.push("", `  ${op.r}`, "");
  if (op.p.length) lines.push("Flags:", renderFlags(own), "");
  if (op.k.l) lines.push("Lists: --limit <n> (default 50), --no-limit, --page-size <n>; -o table|json|ndjson|csv; --properties a,b");
  else lines.push("Output: -o table|json|ndjson|csv; --properties a,b");
  if (op.o) lines.push(`Columns: ${op.o.join(", ")}`);
  lines.push("Global flags (credentials, --base-url, …): twk --help");
  return `${lines.join("\n")}\n`;
}

/** Help text of a group of commands. */
export function nodeHelp(words: readonly string[], children: Record<string, string>): string {
  const entries = Object.entries(children);
  const width = Math.min(32, Math.max(0, ...entries.map(([k]) => k.length)));
  const lines = [`Usage: twk api ${[...words, "<command>"].join(" ")} [flags]`, "", "Commands:"];
  for (const [name, text] of entries) lines.push(`  ${name.padEnd(width)}  ${text}`.trimEnd());
  return `${lines.join("\n")}\n`;
}

/**
 * Turns flags into wire params, checking types, enums and required params.
 * @throws CliError (usage) on the first problem.
 */
export function paramsFromFlags(words: readonly string[], op: OperationEntry, flags: FlagValues, positionals: string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const command = `twk api ${words.join(" ")}`;
  const pathParams = positionalParams(op);
  if (positionals.length) {
    if (positionals.length > 1 || pathParams.length !== 1) {
      throw usageError(`unexpected argument ${JSON.stringify(positionals[0])} for ${command}`, `see ${command} --help`);
    }
    flags = { ...flags, [pathParams[0]!.f]: positionals[0]! };
  }
  const convert = (p: ParamEntry, raw: string): unknown => {
    if (p.e && !p.e.includes(raw)) {
      const guess = nearest(raw, p.e);
      throw usageError(`--${p.f} must be one of ${p.e.join(", ")}; got ${JSON.stringify(raw)}`, guess ? `did you mean ${guess}?` : undefined);
    }
    switch (p.t) {
      case "integer":
        if (!/^-?\d+$/.test(raw)) throw usageError(`--${p.f} must be an integer, got ${JSON.stringify(raw)}`);
        return raw;
      case "number":
        if (raw.trim() === "" || !Number.isFinite(Number(raw))) throw usageError(`--${p.f} must be a number, got ${JSON.stringify(raw)}`);
        return raw;
      case "boolean":
        if (raw !== "true" && raw !== "false") throw usageError(`--${p.f} must be true or false, got ${JSON.stringify(raw)}`);
        return raw;
      case "object":
        try {
          return JSON.parse(raw) as unknown;
        } catch {
          throw usageError(`--${p.f} must be JSON, got ${JSON.stringify(raw.slice(0, 40))}`);
        }
      default:
        return raw;
    }
  };
  for (const p of op.p) {
    const value = flags[p.f];
    if (value === undefined) {
      if (p.r && p.n !== "AccountSid") throw usageError(`${command} needs --${p.f}`, `see ${command} --help`);
      continue;
    }
    if (Array.isArray(value)) params[p.n] = value.map((v) => convert(p, v));
    else params[p.n] = convert(p, typeof value === "boolean" ? String(value) : value);
  }
  return params;
}

/** Runs `twk api …`. */
export async function runApi(argv: readonly string[], ctx: Context): Promise<number> {
  const { io } = ctx;
  const found = resolve(argv);
  if (found.kind === "node") {
    const { flags } = parseArgs(found.rest.filter((t) => t.startsWith("-")), GLOBAL_FLAGS);
    if (found.unknown !== undefined) {
      const guess = nearest(found.unknown, Object.keys(found.children));
      const prefix = ["twk api", ...found.words].join(" ");
      throw usageError(
        `unknown command ${JSON.stringify(found.unknown)} in \`${prefix}\``,
        guess ? `did you mean \`${prefix} ${guess}\`?` : `see \`${prefix} --help\``,
      );
    }
    if (flags.help) {
      await io.out(nodeHelp(found.words, found.children));
      return EXIT.ok;
    }
    io.err(nodeHelp(found.words, found.children));
    return EXIT.usage;
  }
  const { op, words } = found;
  const { specs, renamed } = operationFlags(op);
  const parsed = parseArgs(found.rest, specs);
  // Credentials and output read the global meaning of a renamed flag; the op param keeps its own.
  const globals: FlagValues = { ...parsed.flags };
  for (const name of Object.values(renamed)) {
    delete globals[name];
    if (`twk-${name}` in parsed.flags) globals[name] = parsed.flags[`twk-${name}`]!;
  }
  if (globals.help) {
    await io.out(operationHelp(words, op));
    return EXIT.ok;
  }
  const output = outputOptions(globals, io);
  const params = paramsFromFlags(words, op, parsed.flags, parsed.positionals);
  // The client (and the core runtime in it) loads only when a request is made, never for help.
  const { createCliClient } = await import("../client.js");
  const client = createCliClient(globals, io.env, { [op.r]: op.k });
  const isList = Boolean(op.k.l) && op.r.startsWith("GET ");
  if (isList) {
    const limit = globals["no-limit"] ? undefined : (intFlag(globals, "limit") ?? 50);
    const pageSize = intFlag(globals, "page-size", 1) ?? (limit !== undefined && limit > 0 ? Math.min(limit, 1000) : undefined);
    const options: { limit?: number; pageSize?: number; signal: AbortSignal } = { signal: ctx.signal };
    if (limit !== undefined) options.limit = limit;
    if (pageSize !== undefined) options.pageSize = pageSize;
    const count = await printList(io, client.paginate(op.r, params, options), output, op.o);
    if (limit !== undefined && count === limit && limit > 0 && io.isErrTty) {
      io.err(`(stopped at --limit ${limit}; --no-limit streams everything)\n`);
    }
    return EXIT.ok;
  }
  const result = await client.request(op.r, params, { signal: ctx.signal });
  if (result === undefined) {
    if (io.isErrTty) io.err("done (no content)\n");
    return EXIT.ok;
  }
  await printOne(io, result, output, op.o);
  return EXIT.ok;
}
