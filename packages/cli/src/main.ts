// Entry point: dispatches the first word to a command module. The bin (twk.cts) answers a lone
// `--version` or `--help` itself; main handles every other shape (`twk help api`, hoisted flags).
import { GLOBAL_FLAGS } from "./args.js";
import type { Context } from "./context.js";
import { formatReport, toReport, usageError } from "./errors.js";
import { EXIT } from "./exit-codes.js";
import { topHelp, type CommandName } from "./help.js";
import { processIo, type Io } from "./io.js";
import { nearest } from "./suggest.js";
import { VERSION } from "./version.js";

type Runner = (argv: readonly string[], ctx: Context) => Promise<number>;

/** Top-level commands, each loaded only when used (summaries live in help.ts). */
const COMMANDS: Record<CommandName, () => Promise<Runner>> = {
  api: async () => (await import("./commands/api.js")).runApi,
  send: async () => (await import("./commands/send.js")).runSend,
  messages: async () => (await import("./commands/send.js")).runMessages,
  "phone-numbers": async () => (await import("./commands/phone-numbers.js")).runPhoneNumbers,
  webhook: async () => (await import("./commands/webhook.js")).runWebhook,
  token: async () => (await import("./commands/token.js")).runToken,
  sms: async () => (await import("./commands/sms.js")).runSms,
  sandbox: async () => (await import("./commands/sandbox.js")).runSandbox,
  login: async () => (await import("./commands/profiles.js")).runLogin,
  profiles: async () => (await import("./commands/profiles.js")).runProfiles,
  completion: async () => (await import("./commands/completion.js")).runCompletion,
};

/** Hidden commands (used by completion scripts). */
const HIDDEN: Record<string, () => Promise<Runner>> = {
  __complete: async () => (await import("./commands/completion.js")).runComplete,
};

/** Does the run ask for JSON output (errors are then JSON too)? */
function wantsJson(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if ((token === "-o" || token === "--output") && /^(nd)?json$/.test(argv[i + 1] ?? "")) return true;
    if (/^--output=(nd)?json$/.test(token)) return true;
  }
  return false;
}

/**
 * Moves global flags written before the command (`twk --profile sandbox send sms …`) after it, where
 * the command's parser reads them.
 */
function hoistGlobalFlags(argv: readonly string[]): readonly string[] {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const token = argv[i]!;
    const name = token.startsWith("--") ? token.slice(2).split("=")[0]! : Object.keys(GLOBAL_FLAGS).find((k) => token === `-${GLOBAL_FLAGS[k]!.short}`);
    const spec = name && token !== "--help" && token !== "-h" ? GLOBAL_FLAGS[name] : undefined;
    if (!spec || !token.startsWith("-")) break;
    const takesValue = spec.type === "string" && !token.includes("=");
    leading.push(...argv.slice(i, i + (takesValue ? 2 : 1)));
    i += takesValue ? 2 : 1;
  }
  return leading.length && i < argv.length ? [...argv.slice(i), ...leading] : argv;
}

async function dispatch(original: readonly string[], ctx: Context): Promise<number> {
  const argv = hoistGlobalFlags(original);
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    if (first === "help" && rest.length) return dispatch([...rest, "--help"], ctx);
    // Asked for: stdout and success. Missing command: stderr and a usage error.
    if (first === undefined) {
      ctx.io.err(topHelp(VERSION));
      return EXIT.usage;
    }
    await ctx.io.out(topHelp(VERSION));
    return EXIT.ok;
  }
  if (first === "--version" || first === "-V" || first === "version") {
    await ctx.io.out(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first as CommandName] : undefined;
  if (command) return (await command())(rest, ctx);
  const hidden = Object.hasOwn(HIDDEN, first) ? HIDDEN[first] : undefined;
  if (hidden) return (await hidden())(rest, ctx);
  if (first.startsWith("-")) throw usageError(`unknown flag ${first}`, "see twk --help for the global flags");
  // `twk messages create` → the generated command is `twk api messages create`
  const { resolve } = await import("./commands/api.js");
  const viaApi = resolve(argv);
  if (viaApi.kind === "op" || (viaApi.kind === "node" && viaApi.words.length > 0 && viaApi.unknown === undefined)) {
    throw usageError(`unknown command ${JSON.stringify(first)}`, `did you mean \`twk api ${argv.filter((a) => !a.startsWith("-")).slice(0, viaApi.words.length).join(" ")}\`?`);
  }
  const guess = nearest(first, Object.keys(COMMANDS));
  throw usageError(`unknown command ${JSON.stringify(first)}`, guess ? `did you mean \`twk ${guess}\`?` : "see twk --help");
}

/** Runs twk with the given arguments and returns the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const controller = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    // First Ctrl-C: stop gracefully (bulk sends finish their in-flight requests). Second: now.
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  io.color = io.color && !argv.includes("--no-color");
  try {
    const code = await dispatch(argv, { io, signal: controller.signal });
    return interrupted && code === EXIT.ok ? EXIT.interrupted : code;
  } catch (error) {
    const report = interrupted ? { ...toReport(error), kind: "interrupted" as const, exit_code: EXIT.interrupted } : toReport(error);
    if (wantsJson(argv)) io.err(`${JSON.stringify({ error: report })}\n`);
    else io.err(formatReport(report));
    return report.exit_code;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
