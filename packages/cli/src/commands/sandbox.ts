// `twk sandbox start|inbound|call|advance`: run @twilio-kit/sandbox from the shell and play the
// phone's part. `start` imports the sandbox (an optional peer: SQLite is heavy) only when it runs;
// the other commands talk to a running sandbox's control API over HTTP and need nothing installed.
import { GLOBAL_FLAGS, intFlag, parseArgs, renderFlags, stringFlag, type FlagSpecs, type FlagValues } from "../args.js";
import { findProfile, readConfig, writeConfig } from "../config.js";
import type { Context } from "../context.js";
import { CliError, usageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import type { Io } from "../io.js";
import { outputOptions } from "../output.js";
import { openInBrowser } from "../open-url.js";

const DEFAULT_PORT = 4010;
const PROFILE = "sandbox";

const START_FLAGS: FlagSpecs = {
  port: { type: "string", value: "n", description: `Listen port (default ${DEFAULT_PORT}; 0 picks a free one)` },
  db: { type: "string", value: "file", description: 'SQLite file (default .twilio-sandbox.db; ":memory:" keeps nothing)' },
  clock: { type: "string", value: "real|manual", description: "real: statuses move on their own; manual: twk sandbox advance" },
  "public-base-url": { type: "string", value: "url", description: "Sign webhooks for this origin (apps behind a tunnel)" },
  seed: { type: "string", value: "text", description: "Reproducible SIDs" },
  "no-profile": { type: "boolean", description: `Do not save the "${PROFILE}" profile` },
  open: { type: "boolean", description: "Open the console (the sandbox's root URL) in the default browser ($BROWSER when set)" },
  ...GLOBAL_FLAGS,
};

const PHONE_FLAGS: FlagSpecs = {
  from: { type: "string", value: "+E164", description: "(required) The outside phone" },
  to: { type: "string", value: "+E164", description: "(required) A number the sandbox owns" },
  body: { type: "string", value: "text", description: "(inbound) Message text" },
  "media-url": { type: "string", multiple: true, value: "url", description: "(inbound, repeatable) Media" },
  digits: { type: "string", value: "keys", description: "(call) Press keys once the call answered" },
  speech: { type: "string", value: "text", description: "(call) Say this to a <Gather input=speech>" },
  hangup: { type: "boolean", description: "(call) Hang up at the end" },
  ...GLOBAL_FLAGS,
};

const HELP = `Run the local Twilio sandbox and act as the phone.

Usage: twk sandbox start [--port ${DEFAULT_PORT}] [--db file] [--clock real|manual] [--open]
       twk sandbox inbound --from +15558675310 --to <sandbox number> --body "hi"
       twk sandbox call --from +15558675310 --to <sandbox number> [--digits 1] [--hangup]
       twk sandbox advance <ms>          (manual clock)

start saves a "${PROFILE}" profile, so any command can target the sandbox:
  twk --profile ${PROFILE} send sms --to +15558675310 --from <sandbox number> --body hi

Start flags:
${renderFlags(Object.fromEntries(Object.entries(START_FLAGS).filter(([k]) => !(k in GLOBAL_FLAGS))))}

Phone flags:
${renderFlags(Object.fromEntries(Object.entries(PHONE_FLAGS).filter(([k]) => !(k in GLOBAL_FLAGS))))}
`;

/** The running sandbox's origin: --base-url, TWILIO_BASE_URL, the profile's, else the default port. */
function sandboxBase(flags: FlagValues, env: NodeJS.ProcessEnv): string {
  const explicit = stringFlag(flags, "base-url") ?? env.TWILIO_BASE_URL;
  if (explicit) return explicit.replace(/\/+$/, "");
  const name = stringFlag(flags, "profile") ?? env.TWILIO_PROFILE ?? PROFILE;
  return (findProfile(env, name)?.profile.baseUrl ?? `http://127.0.0.1:${DEFAULT_PORT}`).replace(/\/+$/, "");
}

/** Calls the control API; a refused connection is a network error (exit 5). */
async function control(base: string, path: string, params: Record<string, string | string[]>): Promise<unknown> {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const v of [value].flat()) form.append(name, v);
  let response: Response;
  try {
    // the sandbox refuses form-encoded control requests without this header (cross-site form guard)
    response = await fetch(`${base}/_sandbox${path}`, { method: "POST", body: form, headers: { Accept: "application/json", "X-Sandbox-Control": "1" } });
  } catch (error) {
    throw new CliError(`no sandbox at ${base} (${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message})`, EXIT.network, "start one with `twk sandbox start`");
  }
  const text = await response.text();
  let payload: Record<string, unknown> = {};
  try {
    payload = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: reported below when the status says it failed
  }
  if (!response.ok) {
    const code = typeof payload.code === "number" ? ` (code ${payload.code})` : "";
    throw new CliError(`sandbox answered ${response.status}${code}: ${String(payload.message ?? text.slice(0, 200))}`, EXIT.api);
  }
  return payload;
}

async function printResult(io: Io, flags: FlagValues, result: unknown, summary: () => string): Promise<void> {
  const output = outputOptions(flags, io);
  if (output.format === "table") await io.out(summary());
  else await io.out(`${JSON.stringify(result, null, output.format === "json" ? 2 : 0)}\n`);
}

interface Delivery {
  method: string;
  url: string;
  status: number | null;
}

function describeDeliveries(deliveries: Delivery[] | undefined): string {
  return (deliveries ?? []).map((d) => `  webhook ${d.method} ${d.url} -> ${d.status ?? "no answer"}\n`).join("");
}

async function start(argv: readonly string[], ctx: Context): Promise<number> {
  const { io } = ctx;
  const { flags, positionals } = parseArgs(argv, START_FLAGS);
  if (flags.help) return io.out(HELP).then(() => EXIT.ok);
  if (positionals.length) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const port = intFlag(flags, "port") ?? DEFAULT_PORT;
  if (port > 65535) throw usageError("--port must be in [0, 65535]");
  const clock = stringFlag(flags, "clock") ?? "real";
  if (clock !== "real" && clock !== "manual") throw usageError("--clock must be real or manual");
  let sandboxModule: typeof import("@twilio-kit/sandbox");
  try {
    sandboxModule = await import("@twilio-kit/sandbox");
  } catch (error) {
    throw new CliError(`twk sandbox start needs @twilio-kit/sandbox (${(error as Error).message.split("\n")[0]})`, EXIT.usage, "npm i -g @twilio-kit/sandbox (next to @twilio-kit/cli)");
  }
  const options: Parameters<typeof sandboxModule.createSandbox>[0] = { db: stringFlag(flags, "db") ?? ".twilio-sandbox.db", clock };
  const publicBaseUrl = stringFlag(flags, "public-base-url");
  if (publicBaseUrl) options.publicBaseUrl = publicBaseUrl;
  const seed = stringFlag(flags, "seed");
  if (seed) options.seed = seed;
  const sandbox = sandboxModule.createSandbox(options);
  let url: string;
  try {
    url = await sandbox.listen(port, "127.0.0.1");
  } catch (error) {
    await sandbox.close().catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot listen on 127.0.0.1:${port}: ${code ?? (error as Error).message}`, EXIT.usage, code === "EADDRINUSE" ? "another sandbox runs there? pass --port 0 for a free port" : undefined);
  }
  const { accountSid, authToken, phoneNumber } = sandbox.defaults;
  if (!flags["no-profile"]) {
    const config = readConfig(io.env);
    config.profiles[PROFILE] = { accountSid, authToken, baseUrl: url };
    writeConfig(io.env, config);
  }
  const info = { url, accountSid, phoneNumber, profile: flags["no-profile"] ? null : PROFILE, consoleUrl: `${url}/`, controlUrl: `${url}/_sandbox`, clock };
  const output = outputOptions(flags, io);
  if (output.format === "json" || output.format === "ndjson") await io.out(`${JSON.stringify(info)}\n`);
  else {
    await io.out(
      `Twilio sandbox listening on ${url}\n\n  Console       ${info.consoleUrl}\n  Account SID   ${accountSid}\n  Phone number  ${phoneNumber}\n  Clock         ${clock}\n` +
        `${info.profile ? `  Profile       ${PROFILE}   (twk --profile ${PROFILE} …, or TWILIO_PROFILE=${PROFILE})\n` : ""}\nCtrl-C stops it.\n`,
    );
  }
  if (flags.open) {
    // a browser that cannot start is worth a line, not a failed sandbox
    const failure = await openInBrowser(info.consoleUrl, io.env);
    if (failure) io.err(`${failure}: open ${info.consoleUrl} yourself\n`);
  }
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await sandbox.close();
  io.err("sandbox stopped\n");
  return EXIT.ok;
}

async function phone(kind: "inbound" | "call", argv: readonly string[], ctx: Context): Promise<number> {
  const { io } = ctx;
  const { flags, positionals } = parseArgs(argv, PHONE_FLAGS);
  if (flags.help) return io.out(HELP).then(() => EXIT.ok);
  if (positionals.length) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const from = stringFlag(flags, "from");
  const to = stringFlag(flags, "to");
  if (!from || !to) throw usageError(`twk sandbox ${kind} needs --from and --to`);
  const base = sandboxBase(flags, io.env);
  if (kind === "inbound") {
    const params: Record<string, string | string[]> = { From: from, To: to, Body: stringFlag(flags, "body") ?? "" };
    const media = flags["media-url"] as string[] | undefined;
    if (media) params.MediaUrl = media;
    const result = (await control(base, "/messages/inbound", params)) as { message: { sid: string }; replies: { body?: string }[]; deliveries: Delivery[] };
    await printResult(io, flags, result, () =>
      `delivered ${result.message.sid} to ${to}\n${describeDeliveries(result.deliveries)}${result.replies.map((r) => `  reply: ${JSON.stringify(r.body ?? "")}\n`).join("")}`,
    );
    return EXIT.ok;
  }
  const call = (await control(base, "/calls/inbound", { From: from, To: to })) as { sid: string; status: string };
  let result: unknown = call;
  const digits = stringFlag(flags, "digits");
  if (digits) result = await control(base, `/calls/${call.sid}/digits`, { Digits: digits });
  const speech = stringFlag(flags, "speech");
  if (speech) result = await control(base, `/calls/${call.sid}/speech`, { SpeechResult: speech });
  if (flags.hangup) result = await control(base, `/calls/${call.sid}/hangup`, {});
  const transcript = (result as { transcript?: { verb: string; text?: string; url?: string; digits?: string }[] }).transcript;
  await printResult(io, flags, result, () => {
    const lines = [`call ${call.sid} (${(result as { status?: string }).status ?? call.status})`];
    for (const entry of transcript ?? []) lines.push(`  ${entry.verb}${entry.text ? ` ${JSON.stringify(entry.text)}` : ""}${entry.url ? ` ${entry.url}` : ""}${entry.digits ? ` ${entry.digits}` : ""}`);
    return `${lines.join("\n")}\n`;
  });
  return EXIT.ok;
}

/** `twk sandbox …`. */
export async function runSandbox(argv: readonly string[], ctx: Context): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case "start":
      return start(rest, ctx);
    case "inbound":
    case "call":
      return phone(sub, rest, ctx);
    case "advance": {
      const { flags, positionals } = parseArgs(rest, GLOBAL_FLAGS);
      const ms = positionals[0];
      if (!ms || !/^\d+$/.test(ms)) throw usageError("twk sandbox advance needs a number of milliseconds");
      const result = await control(sandboxBase(flags, ctx.io.env), "/clock/advance", { Ms: ms });
      await printResult(ctx.io, flags, result, () => `clock: ${new Date((result as { now: number }).now).toISOString()}\n`);
      return EXIT.ok;
    }
    case "--help":
    case "-h":
      await ctx.io.out(HELP);
      return EXIT.ok;
    case undefined:
      ctx.io.err(HELP);
      return EXIT.usage;
    default:
      throw usageError(`unknown command "sandbox ${sub}"`, "use start, inbound, call or advance");
  }
}
