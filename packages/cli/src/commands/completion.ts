// Shell completion: tiny scripts that ask `twk __complete` for candidates, so completions always
// match the installed command table (every generated command and flag, profile names, formats).
import { GLOBAL_FLAGS, type FlagSpecs } from "../args.js";
import { listProfiles } from "../config.js";
import type { Context } from "../context.js";
import { usageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";

const SCRIPTS: Record<string, string> = {
  bash: `# twk completion for bash: source <(twk completion bash), or save it in
# ~/.local/share/bash-completion/completions/twk
_twk_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(twk __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _twk_complete twk
`,
  zsh: `#compdef twk
# twk completion for zsh: source <(twk completion zsh), or save it as _twk in a directory of $fpath
_twk() {
  local -a candidates
  # unquoted (f): no output gives no candidate rather than one empty one
  candidates=(\${(f)"$(twk __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)"})
  compadd -a candidates
}
if (( $+functions[compdef] )); then compdef _twk twk; fi
`,
  fish: `# twk completion for fish: twk completion fish > ~/.config/fish/completions/twk.fish
function __twk_complete
    set -l tokens (commandline -opc) (commandline -ct)
    twk __complete -- $tokens[2..-1] 2>/dev/null
end
complete -c twk -f -a '(__twk_complete)'
`,
};

/** `twk completion bash|zsh|fish`. */
export async function runCompletion(argv: readonly string[], ctx: Context): Promise<number> {
  const shell = argv[0];
  if (shell === "--help" || shell === "-h") {
    await ctx.io.out("Usage: twk completion bash|zsh|fish\n\n  bash: source <(twk completion bash)\n  zsh:  source <(twk completion zsh)\n  fish: twk completion fish > ~/.config/fish/completions/twk.fish\n");
    return EXIT.ok;
  }
  const script = shell ? SCRIPTS[shell] : undefined;
  if (!script) throw usageError(shell ? `no completion for ${JSON.stringify(shell)}` : "twk completion needs a shell", "use bash, zsh or fish");
  await ctx.io.out(script);
  return EXIT.ok;
}

const TOP = ["api", "send", "messages", "phone-numbers", "webhook", "token", "sms", "sandbox", "login", "profiles", "completion", "help"];
const SUBS: Record<string, string[]> = {
  send: ["sms", "mms"],
  messages: ["send", "send-bulk"],
  "phone-numbers": ["list", "update"],
  webhook: ["sign", "verify"],
  token: ["access", "decode"],
  sms: ["segments"],
  profiles: ["list", "use", "remove", "import"],
  completion: ["bash", "zsh", "fish"],
  sandbox: ["start", "inbound", "call", "advance"],
};

async function flagsOf(words: string[]): Promise<FlagSpecs> {
  const [first, second] = words;
  if (first === "api") {
    const api = await import("./api.js");
    const found = api.resolve(words.slice(1));
    return found.kind === "op" ? api.operationFlags(found.op).specs : GLOBAL_FLAGS;
  }
  const extra: Record<string, string[]> = {
    send: ["to", "from", "messaging-service-sid", "body", "media-url", "status-callback", "account-sid"],
    "messages send": ["to", "from", "messaging-service-sid", "body", "media-url", "status-callback", "account-sid"],
    "messages send-bulk": ["from", "messaging-service-sid", "csv", "body", "body-file", "to-column", "journal", "concurrency", "rate", "dry-run", "fresh"],
    "phone-numbers list": ["phone-number", "friendly-name", "account-sid"],
    "phone-numbers update": ["sms-url", "sms-method", "sms-fallback-url", "voice-url", "voice-method", "voice-fallback-url", "status-callback", "friendly-name", "account-sid"],
    webhook: ["url", "param", "body", "raw-body", "raw-body-file", "signature"],
    "token access": ["identity", "grant", "ttl", "nbf", "algorithm"],
    "token decode": ["verify"],
    "sms segments": ["smart-encoding", "file"],
    login: ["account-sid", "secret-stdin", "no-use"],
    "profiles import": ["from", "force"],
    "sandbox start": ["port", "db", "clock", "public-base-url", "seed", "no-profile"],
    "sandbox inbound": ["from", "to", "body", "media-url"],
    "sandbox call": ["from", "to", "digits", "speech", "hangup"],
  };
  const names = extra[`${first} ${second}`] ?? extra[first ?? ""] ?? [];
  return { ...Object.fromEntries(names.map((n) => [n, { type: "string" as const }])), ...GLOBAL_FLAGS };
}

/** `twk __complete -- <words…> <current>`: prints candidates, one a line. */
export async function runComplete(argv: readonly string[], ctx: Context): Promise<number> {
  const all = argv[0] === "--" ? argv.slice(1) : argv;
  const current = all.at(-1) ?? "";
  const words = all.slice(0, -1);
  const previous = words.at(-1);
  let candidates: string[] = [];
  if (previous === "-o" || previous === "--output") candidates = ["table", "json", "ndjson", "csv"];
  else if (previous === "-p" || previous === "--profile" || (words[0] === "profiles" && (words[1] === "use" || words[1] === "remove") && words.length === 2)) {
    candidates = listProfiles(ctx.io.env).profiles.map((p) => p.name);
  } else if (current.startsWith("-")) {
    candidates = Object.keys(await flagsOf(words.filter((w) => !w.startsWith("-")))).map((f) => `--${f}`);
  } else if (words.length === 0) {
    candidates = TOP;
  } else if (words[0] === "api") {
    const api = await import("./api.js");
    const found = api.resolve(words.slice(1).filter((w) => !w.startsWith("-")));
    if (found.kind === "node" && found.unknown === undefined) candidates = Object.keys(found.children);
  } else if (words.length === 1) {
    candidates = SUBS[words[0]!] ?? [];
  }
  const matches = candidates.filter((c) => c.startsWith(current));
  if (matches.length) await ctx.io.out(`${matches.join("\n")}\n`);
  return EXIT.ok;
}
