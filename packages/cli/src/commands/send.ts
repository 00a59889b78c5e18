// `twk send sms` and `twk messages send`: the one-liner, with the flags people expect.
import { GLOBAL_FLAGS, parseArgs, renderFlags, stringFlag, type FlagSpecs } from "../args.js";
import { createCliClient } from "../client.js";
import type { Context } from "../context.js";
import { usageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import { outputOptions, printOne } from "../output.js";
import { nearest } from "../suggest.js";

/** The create-message route and its core table row. */
export const CREATE_MESSAGE = "POST /2010-04-01/Accounts/{AccountSid}/Messages.json";
export const CREATE_MESSAGE_ROW = { a: ["PersistentAction", "MediaUrl"] };
/** Columns of a message in table/csv output. */
export const MESSAGE_COLUMNS = ["sid", "to", "from", "status", "date_created"];

const SEND_FLAGS: FlagSpecs = {
  to: { type: "string", value: "+E164", description: "(required) Recipient (E.164, or whatsapp:+…)" },
  from: { type: "string", value: "+E164", description: "Sender number (or --messaging-service-sid)" },
  "messaging-service-sid": { type: "string", value: "MG…", description: "Send through a Messaging Service" },
  body: { type: "string", value: "text", description: "Message text (or --media-url)" },
  "media-url": { type: "string", multiple: true, value: "url", description: "(repeatable) Media to attach (MMS)" },
  "status-callback": { type: "string", value: "url", description: "URL for delivery status callbacks" },
  "account-sid": { type: "string", value: "AC…", description: "Send from this (sub)account" },
  ...GLOBAL_FLAGS,
};

function sendHelp(command: string): string {
  return `Send one message.

Usage: ${command} --to <+E164> (--from <+E164> | --messaging-service-sid <MG…>) (--body <text> | --media-url <url>)

Flags:
${renderFlags(SEND_FLAGS)}
`;
}

async function sendMessage(argv: readonly string[], ctx: Context, command: string): Promise<number> {
  const { flags, positionals } = parseArgs(argv, SEND_FLAGS);
  if (flags.help) {
    await ctx.io.out(sendHelp(command));
    return EXIT.ok;
  }
  if (positionals.length) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`, `quote the body: ${command} --body "…"`);
  const to = stringFlag(flags, "to");
  const from = stringFlag(flags, "from");
  const service = stringFlag(flags, "messaging-service-sid");
  const body = stringFlag(flags, "body");
  const media = flags["media-url"] as string[] | undefined;
  if (!to) throw usageError(`${command} needs --to`);
  if (!from && !service) throw usageError(`${command} needs --from or --messaging-service-sid`);
  if (body === undefined && !media) throw usageError(`${command} needs --body or --media-url`);
  const params: Record<string, unknown> = { To: to };
  if (from) params.From = from;
  if (service) params.MessagingServiceSid = service;
  if (body !== undefined) params.Body = body;
  if (media) params.MediaUrl = media;
  const callback = stringFlag(flags, "status-callback");
  if (callback) params.StatusCallback = callback;
  const account = stringFlag(flags, "account-sid");
  if (account) params.AccountSid = account;
  const output = outputOptions(flags, ctx.io);
  const client = createCliClient(flags, ctx.io.env, { [CREATE_MESSAGE]: CREATE_MESSAGE_ROW });
  const message = await client.request(CREATE_MESSAGE, params, { signal: ctx.signal });
  await printOne(ctx.io, message, output, MESSAGE_COLUMNS);
  return EXIT.ok;
}

/** `twk send sms …`. */
export async function runSend(argv: readonly string[], ctx: Context): Promise<number> {
  const [channel, ...rest] = argv;
  if (channel === "sms" || channel === "mms") return sendMessage(rest, ctx, `twk send ${channel}`);
  if (channel === undefined || channel === "--help" || channel === "-h") {
    if (channel === undefined) {
      ctx.io.err(sendHelp("twk send sms"));
      return EXIT.usage;
    }
    await ctx.io.out(sendHelp("twk send sms"));
    return EXIT.ok;
  }
  const guess = nearest(channel, ["sms", "mms"]);
  throw usageError(`unknown command "send ${channel}"`, guess ? `did you mean \`twk send ${guess}\`?` : "twk send sms --help");
}

/** `twk messages send|send-bulk …`. */
export async function runMessages(argv: readonly string[], ctx: Context): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "send") return sendMessage(rest, ctx, "twk messages send");
  if (sub === "send-bulk") return (await import("./bulk.js")).runSendBulk(rest, ctx);
  const help = "Usage: twk messages send …\n       twk messages send-bulk --from … --csv recipients.csv --body \"Hi {{name}}\"\n\nOther message operations: twk api messages --help\n";
  if (sub === undefined || sub === "--help" || sub === "-h") {
    if (sub) await ctx.io.out(help);
    else ctx.io.err(help);
    return sub ? EXIT.ok : EXIT.usage;
  }
  const guess = nearest(sub, ["send", "send-bulk"]);
  throw usageError(
    `unknown command "messages ${sub}"`,
    guess ? `did you mean \`twk messages ${guess}\`?` : `the generated commands are under \`twk api messages ${sub}\``,
  );
}
