// `twk sms segments "text"`: what a body costs before it is sent — encoding, segments, room left —
// and which characters force UCS-2. The counting is @twilio-kit/core/segments' (one implementation for
// the whole kit, the sandbox's num_segments included); this file adds the shell input and the display.
import { readFileSync } from "node:fs";
import { segments, type SmsSegments } from "@twilio-kit/core/segments";
import { GLOBAL_FLAGS, parseArgs, renderFlags, stringFlag, type FlagSpecs, type FlagValues } from "../args.js";
import type { Context } from "../context.js";
import { CliError, usageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import type { Io } from "../io.js";
import { outputOptions } from "../output.js";

const OWN_FLAGS: FlagSpecs = {
  "smart-encoding": { type: "boolean", description: "Apply Twilio's Smart Encoding first (as a Messaging Service with smart_encoding does)" },
  file: { type: "string", value: "path", description: "Read the body from a file instead of the argument" },
};
// The global flags parse (main hoists them), but only these mean something here
const FLAGS: FlagSpecs = { ...OWN_FLAGS, ...GLOBAL_FLAGS };
const SHOWN_FLAGS: FlagSpecs = {
  ...OWN_FLAGS,
  output: { ...GLOBAL_FLAGS.output!, value: "json|ndjson", description: "JSON (the fields of @twilio-kit/core/segments) instead of the breakdown" },
  "no-color": GLOBAL_FLAGS["no-color"]!,
  help: GLOBAL_FLAGS.help!,
};

const HELP = `Count the SMS segments of a message body, as Twilio does.

Usage: twk sms segments "text" [--smart-encoding] [-o json]
       twk sms segments --file body.txt
       echo "text" | twk sms segments -

Prints the encoding (GSM-7, or UCS-2 when a character is outside GSM-7), the segments, the characters,
the units per segment (160/153 septets, 70/67 UCS-2 units), the units left in the last segment, and the
characters that force UCS-2 (highlighted in the body on a terminal). With -o json, the same as
@twilio-kit/core/segments returns. From stdin or a file, one trailing newline is dropped.

Flags:
${renderFlags(SHOWN_FLAGS)}
`;

/** Twilio rejects longer bodies (error 21617); far larger input is a mistake, not a message. */
const MAX_TWILIO_CHARACTERS = 1600;
const MAX_INPUT_BYTES = 1 << 20;

function readBody(flags: FlagValues, positionals: string[]): string {
  const file = stringFlag(flags, "file");
  if (file !== undefined && positionals.length) throw usageError("give the body as an argument or with --file, not both");
  if (positionals.length > 1) throw usageError(`expected one body, got ${positionals.length} arguments`, 'quote the text: twk sms segments "Hello there"');
  const arg = positionals[0];
  if (file === undefined && arg === undefined) throw usageError("twk sms segments needs a body", 'twk sms segments "Hello", --file path, or - for stdin');
  if (file === undefined && arg !== "-") return arg!;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file ?? 0);
  } catch (error) {
    throw usageError(`cannot read ${file === undefined ? "stdin" : JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (bytes.length > MAX_INPUT_BYTES) throw usageError(`the body is ${bytes.length} bytes; twk reads at most 1 MiB (Twilio accepts ${MAX_TWILIO_CHARACTERS} characters)`);
  // `echo text |` and editors end with a newline nobody means to send
  return bytes.toString("utf8").replace(/\r?\n$/, "");
}

/** Characters that would be invisible or act on the terminal: shown by code point instead. */
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Z}\p{Cs}\p{Co}\p{Cn}]$/u;

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** A non-GSM character for the list: its glyph when it has a visible one, and its code point. */
function describeChar(char: string): string {
  return INVISIBLE.test(char) ? codePoint(char) : `${char} ${codePoint(char)}`;
}

/** The body on one line: control characters escaped, non-GSM characters highlighted when colour is on. */
function renderBody(body: string, nonGsm: ReadonlySet<string>, io: Io): string {
  let out = "";
  for (const char of body) {
    const shown = char === "\n" ? "\\n" : char === "\r" ? "\\r" : char === "\t" ? "\\t" : INVISIBLE.test(char) && char !== " " ? `<${codePoint(char)}>` : char;
    // inverse red: readable on light and dark terminals alike
    out += io.color && nonGsm.has(char) ? `\u001b[7;31m${shown}\u001b[27;39m` : shown;
  }
  return out;
}

function humanReport(result: SmsSegments, body: string, io: Io): string {
  const rows: Array<[string, string]> = [
    ["encoding", result.encoding],
    ["segments", String(result.segments)],
    ["characters", String(result.characters)],
    ["units", `${result.units} ${result.encoding === "GSM-7" ? "septets" : "UTF-16 units"}`],
    ["units per segment", String(result.unitsPerSegment)],
    ["left in segment", String(result.charactersLeftInSegment)],
    ["non-GSM characters", result.nonGsmCharacters.length ? result.nonGsmCharacters.map(describeChar).join(", ") : "none"],
  ];
  // What Smart Encoding replaced: the non-GSM characters of the original, gone from the body as sent
  const replaced = result.smartEncoded ? segments(body).nonGsmCharacters : [];
  if (result.smartEncoded !== undefined) {
    rows.push(["smart encoded", result.smartEncoded ? `yes: ${replaced.map(describeChar).join(", ")}` : "no"]);
  }
  rows.push(["body", renderBody(body, new Set(result.smartEncoded ? replaced : result.nonGsmCharacters), io)]);
  if (result.smartEncodedBody !== undefined) rows.push(["sent as", renderBody(result.smartEncodedBody, new Set(), io)]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n") + "\n";
}

async function runSegments(argv: readonly string[], ctx: Context): Promise<number> {
  const { io } = ctx;
  const { flags, positionals } = parseArgs(argv, FLAGS);
  if (flags.help) return io.out(HELP).then(() => EXIT.ok);
  const output = outputOptions(flags, io);
  const body = readBody(flags, positionals);
  const result = segments(body, { smartEncoding: flags["smart-encoding"] === true });
  if (flags.output !== undefined && (output.format === "json" || output.format === "ndjson")) {
    await io.out(`${JSON.stringify(result, null, output.format === "json" ? 2 : 0)}\n`);
  } else if (flags.output !== undefined && output.format === "csv") {
    throw usageError("twk sms segments prints a breakdown, not rows: use -o json");
  } else {
    await io.out(humanReport(result, body, io));
  }
  if (result.characters > MAX_TWILIO_CHARACTERS) {
    io.err(`note: Twilio rejects a body over ${MAX_TWILIO_CHARACTERS} characters (error 21617)\n`);
  }
  return EXIT.ok;
}

/** `twk sms segments`. */
export async function runSms(argv: readonly string[], ctx: Context): Promise<number> {
  const { io } = ctx;
  const [sub, ...rest] = argv;
  if (sub === "segments") return runSegments(rest, ctx);
  if (sub === "--help" || sub === "-h") return io.out(HELP).then(() => EXIT.ok);
  io.err(HELP);
  if (sub === undefined) return EXIT.usage;
  throw new CliError(`unknown command "sms ${sub}"`, EXIT.usage, "use twk sms segments");
}
