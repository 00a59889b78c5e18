// The top-level help. tsup.config.ts renders it once at build time into the bin (`__TOP_HELP__`), so
// `twk --help` prints a constant without loading main; `twk help` and a bare `twk` reuse it from main.
import { GLOBAL_FLAGS, renderFlags } from "./args.js";

/** One line per top-level command, in help order. main.ts keys its loaders by the same names. */
export const COMMAND_SUMMARIES = {
  api: "Call any Twilio API operation (generated from the OpenAPI specs)",
  send: "send sms: send one message",
  messages: "messages send | send-bulk (CSV, resumable)",
  "phone-numbers": "phone-numbers list | update <+E164> --sms-url … --voice-url …",
  webhook: "webhook sign | verify: debug X-Twilio-Signature",
  token: "token access --identity … --grant video:room=… | decode <jwt>: Access Tokens",
  sms: "sms segments \"text\": encoding, segments and the characters that force UCS-2",
  sandbox: "sandbox start | inbound | call | advance: the local Twilio sandbox",
  login: "Save credentials as a profile",
  profiles: "profiles list | use <name> | remove <name> | import [--from path]",
  completion: "completion bash|zsh|fish: print a shell completion script",
} as const;

/** A top-level command name. */
export type CommandName = keyof typeof COMMAND_SUMMARIES;

/** The text of `twk --help` for the given version. */
export function topHelp(version: string): string {
  const width = Math.max(...Object.keys(COMMAND_SUMMARIES).map((c) => c.length));
  return `twk ${version}: Twilio from the shell, fast and scriptable.

Usage: twk <command> [flags]

Commands:
${Object.entries(COMMAND_SUMMARIES)
  .map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`)
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
Region and edge: --region/--edge, then TWILIO_REGION/TWILIO_EDGE, then the profile's
(requests go to {domain}.{edge}.{region}.twilio.com; --base-url overrides them).
Exit codes: 0 ok, 2 usage, 3 auth, 4 API error, 5 network, 6 partial bulk send, 7 signature mismatch, 130 interrupted.
`;
}
