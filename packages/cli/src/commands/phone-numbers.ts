// `twk phone-numbers list|update`: find your numbers by E.164 and point them at your webhooks.
import { GLOBAL_FLAGS, parseArgs, renderFlags, stringFlag, type FlagSpecs } from "../args.js";
import { createCliClient, type CliClient } from "../client.js";
import type { Context } from "../context.js";
import { CliError, usageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import { outputOptions, printList, printOne } from "../output.js";
import { intFlag } from "../args.js";

const LIST = "GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json";
const UPDATE = "POST /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json";
const TABLE = { [LIST]: { l: "incoming_phone_numbers" }, [UPDATE]: {} };
const COLUMNS = ["sid", "phone_number", "friendly_name", "sms_url", "voice_url"];

/** Update flags → wire names. */
const UPDATE_PARAMS: Record<string, string> = {
  "sms-url": "SmsUrl",
  "sms-method": "SmsMethod",
  "sms-fallback-url": "SmsFallbackUrl",
  "voice-url": "VoiceUrl",
  "voice-method": "VoiceMethod",
  "voice-fallback-url": "VoiceFallbackUrl",
  "status-callback": "StatusCallback",
  "friendly-name": "FriendlyName",
};

const LIST_FLAGS: FlagSpecs = {
  "phone-number": { type: "string", value: "+E164", description: "Only this number (or a fragment of it)" },
  "friendly-name": { type: "string", value: "name", description: "Only numbers with this friendly name" },
  "account-sid": { type: "string", value: "AC…", description: "List a subaccount's numbers" },
  ...GLOBAL_FLAGS,
};

const UPDATE_FLAGS: FlagSpecs = {
  ...Object.fromEntries(Object.keys(UPDATE_PARAMS).map((f) => [f, { type: "string", value: f.endsWith("method") ? "GET|POST" : "value" } as const])),
  "account-sid": { type: "string", value: "AC…", description: "The number's (sub)account" },
  ...GLOBAL_FLAGS,
};

const HELP = `Usage: twk phone-numbers list [--phone-number +E164]
       twk phone-numbers update <+E164|PN…> [--sms-url url] [--voice-url url] [flags]

List flags:
${renderFlags(LIST_FLAGS)}

Update flags: ${Object.keys(UPDATE_PARAMS).map((f) => `--${f}`).join(" ")}
`;

async function findSid(client: CliClient, number: string, account: string | undefined, signal: AbortSignal): Promise<string> {
  if (/^PN[0-9a-fA-F]{32}$/.test(number)) return number;
  const params: Record<string, unknown> = { PhoneNumber: number };
  if (account) params.AccountSid = account;
  for await (const item of client.paginate(LIST, params, { limit: 20, signal })) {
    const record = item as { sid: string; phone_number: string };
    if (record.phone_number === number) return record.sid;
  }
  throw new CliError(`no phone number ${number} on this account`, EXIT.api, "twk phone-numbers list shows the numbers you own");
}

/** `twk phone-numbers …`. */
export async function runPhoneNumbers(argv: readonly string[], ctx: Context): Promise<number> {
  const [sub, ...rest] = argv;
  const { io } = ctx;
  if (sub === "list") {
    const { flags } = parseArgs(rest, LIST_FLAGS);
    if (flags.help) return io.out(HELP).then(() => EXIT.ok);
    const params: Record<string, unknown> = {};
    const number = stringFlag(flags, "phone-number");
    if (number) params.PhoneNumber = number;
    const name = stringFlag(flags, "friendly-name");
    if (name) params.FriendlyName = name;
    const account = stringFlag(flags, "account-sid");
    if (account) params.AccountSid = account;
    const output = outputOptions(flags, io);
    const client = createCliClient(flags, io.env, TABLE);
    const limit = flags["no-limit"] ? undefined : (intFlag(flags, "limit") ?? 50);
    const options: { limit?: number; signal: AbortSignal } = { signal: ctx.signal };
    if (limit !== undefined) options.limit = limit;
    await printList(io, client.paginate(LIST, params, options), output, COLUMNS);
    return EXIT.ok;
  }
  if (sub === "update") {
    const { flags, positionals } = parseArgs(rest, UPDATE_FLAGS);
    if (flags.help) return io.out(HELP).then(() => EXIT.ok);
    const [number, ...extra] = positionals;
    if (!number || extra.length) throw usageError("twk phone-numbers update needs one number: <+E164> or <PN…>");
    const params: Record<string, unknown> = {};
    for (const [flag, wire] of Object.entries(UPDATE_PARAMS)) {
      const value = stringFlag(flags, flag);
      if (value !== undefined) params[wire] = value;
    }
    if (Object.keys(params).length === 0) throw usageError("nothing to update", `pass e.g. --sms-url https://… or --voice-url https://…`);
    const account = stringFlag(flags, "account-sid");
    if (account) params.AccountSid = account;
    const output = outputOptions(flags, io);
    const client = createCliClient(flags, io.env, TABLE);
    params.Sid = await findSid(client, number, account, ctx.signal);
    const updated = await client.request(UPDATE, params, { signal: ctx.signal });
    await printOne(io, updated, output, COLUMNS);
    return EXIT.ok;
  }
  if (sub === "--help" || sub === "-h") return io.out(HELP).then(() => EXIT.ok);
  if (sub === undefined) {
    io.err(HELP);
    return EXIT.usage;
  }
  throw usageError(`unknown command "phone-numbers ${sub}"`, "use list or update");
}
