// Entry point: dispatches the first word to a command module. `--version` and `--help` answer before
// anything else is touched, so they cost about what `node -e 0` does.
import { GLOBAL_FLAGS, renderFlags } from "./args.js";
import type { Context } from "./context.js";
import { formatReport, toReport, usageError } from "./errors.js";
import { EXIT } from "./exit-codes.js";
import { processIo, type Io } from "./io.js";
import { nearest } from "./suggest.js";
import { VERSION } from "./version.js";

type Runner = (argv: readonly string[], ctx: Context) => Promise<number>;

/** Top-level commands, each loaded only when used. */
const COMMANDS: Record<string, { summary: string; run: () => Promise<Runner> }> = {
  api: { summary: "Call any Twilio API operation (generated from the OpenAPI specs)", run: async () => (await import("./commands/api.js")).runApi },
  send: { summary: "send sms: send one message", run: async () => (await import("./commands/send.js")).runSend },
  messages: { summary: "messages send | send-bulk (CSV, resumable)", run: async () => (await import("./commands/send.js")).runMessages },
  "phone-numbers": { summary: "phone-numbers list | update <+E164> --sms-url … --voice-url …", run: async () => (await import("./commands/phone-numbers.js")).runPhoneNumbers },
  webhook: { summary: "webhook sign | verify: debug X-Twilio-Signature", run: async () => (await import("./commands/webhook.js")).runWebhook },
  sandbox: { summary: "sandbox start | inbound | call | advance: the local Twilio sandbox", run: async () => (await import("./commands/sandbox.js")).runSandbox },
  login: { summary: "Save credentials as a profile", run: async () => (await import("./commands/profiles.js")).runLogin },
  profiles: { summary: "profiles list | use <name> | remove <name>", run: async () => (await import("./commands/profiles.js")).runProfiles },
  completion: { summary: "completion bash|zsh|fish: print a shell completion script", run: async () => (await import("./commands/completion.js")).runCompletion },
};

/** Hidden commands (used by completion scripts). */
const HIDDEN: Record<string, () => Promise<Runner>> = {
  __complete: async () => (await import("./commands/completion.js")).runComplete,
};

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `twk ${VERSION}: Twilio from the shell, fast and scriptable.

Usage: twk <command> [flags]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join("\n")}

Examples (every command has --help):
  twk send sms --to +15558675310 --from +15017122661 --body "Hello"
  twk api messages list --to +15558675310 -o json
  twk api messaging v1 services list --no-limit -o ndjson
  twk api verify v2 services verifications create --service-sid VA… --to +1555… --channel sms

Global flags:
${renderFlags({ ...GLOBAL_FLAGS, version: { type: "boolean", description: "Print the version" } })}

Credentials: flags, then TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN (or TWILIO_API_KEY/TWILIO_API_SECRET),
then TWILIO_PROFILE, then the active profile (twk login).
Exit codes: 0 ok, 2 usage, 3 auth, 4 API error, 5 network, 6 partial bulk send, 7 signature mismatch, 130 interrupted.
`;
}

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
      ctx.io.err(topHelp());
      return EXIT.usage;
    }
    await ctx.io.out(topHelp());
    return EXIT.ok;
  }
  if (first === "--version" || first === "-V" || first === "version") {
    await ctx.io.out(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[first];
  if (command) return (await command.run())(rest, ctx);
  const hidden = HIDDEN[first];
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
