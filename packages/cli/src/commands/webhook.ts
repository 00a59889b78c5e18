// `twk webhook sign|verify`: what Twilio would sign for a request, and why a given signature does
// not match. The signature itself is @twilio-kit/webhooks' (one implementation for the whole kit);
// this file only adds the inputs from the shell and the diagnosis.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { computeTwilioSignature, parseFormBody, serializeParams, verifyTwilioSignature } from "@twilio-kit/webhooks";
import { GLOBAL_FLAGS, parseArgs, renderFlags, stringFlag, type FlagSpecs, type FlagValues } from "../args.js";
import { resolveCredentials } from "../client.js";
import type { Context } from "../context.js";
import { CliError, usageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import { outputOptions } from "../output.js";

type Params = Record<string, string | string[]>;

const FLAGS: FlagSpecs = {
  url: { type: "string", value: "url", description: "(required) The full URL Twilio requested, query included" },
  param: { type: "string", multiple: true, value: "Name=value", description: "(repeatable) One POST parameter, decoded" },
  body: { type: "string", value: "a=1&b=2", description: "The form-encoded POST body as received ('-' reads stdin)" },
  "raw-body": { type: "string", value: "text", description: "A JSON (non-form) body: signs with bodySHA256 ('-' reads stdin)" },
  "raw-body-file": { type: "string", value: "path", description: "Like --raw-body, from a file (bytes as received)" },
  signature: { type: "string", value: "sig", description: "(verify) The X-Twilio-Signature header value" },
  ...GLOBAL_FLAGS,
};

const HELP = `Compute or check X-Twilio-Signature.

Usage: twk webhook sign --url <url> [--param Name=value …] [--body 'a=1&b=2'] [--raw-body '{…}']
       twk webhook verify --url <url> --signature <sig> [same inputs]

The auth token comes from --auth-token, TWILIO_AUTH_TOKEN or the active profile. verify exits 0 when
the signature matches and 7 when it does not, with what does match (port, scheme, params, body).

Flags:
${renderFlags(FLAGS)}
`;

function readInput(value: string): string {
  return value === "-" ? readFileSync(0, "utf8") : value;
}

function collectParams(flags: FlagValues): Params {
  const params: Params = {};
  const add = (name: string, value: string) => {
    const existing = params[name];
    params[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  };
  const body = stringFlag(flags, "body");
  if (body !== undefined) for (const [name, value] of Object.entries(parseFormBody(readInput(body)))) for (const v of [value].flat()) add(name, v);
  for (const pair of (flags.param as string[] | undefined) ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw usageError(`--param needs Name=value, got ${JSON.stringify(pair)}`);
    add(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return params;
}

function authTokenOf(flags: FlagValues, env: NodeJS.ProcessEnv): string {
  const token = stringFlag(flags, "auth-token") ?? env.TWILIO_AUTH_TOKEN;
  if (token) return token;
  const creds = resolveCredentials(flags, env);
  if (!creds.authToken) {
    throw new CliError(`${creds.source} uses an API key: webhooks are signed with the auth token`, EXIT.auth, "pass --auth-token or set TWILIO_AUTH_TOKEN");
  }
  return creds.authToken;
}

function sha256Hex(body: string | Buffer): string {
  return createHash("sha256").update(body).digest("hex");
}

/** The URL a JSON webhook is signed over: the URL with `bodySHA256` when the caller left it out. */
function withBodyHash(url: string, hash: string): string {
  if (/[?&]bodySHA256=/.test(url)) return url;
  return `${url}${url.includes("?") ? "&" : "?"}bodySHA256=${hash}`;
}

interface Variant {
  label: string;
  url: string;
  params: Params;
}

/** Plausible ways the URL or params differ from what Twilio signed, most common first. */
function variantsOf(url: string, params: Params): Variant[] {
  const out: Variant[] = [];
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    return out;
  }
  const swapScheme = (u: string) => (u.startsWith("https:") ? `http:${u.slice(6)}` : u.startsWith("http:") ? `https:${u.slice(5)}` : u);
  out.push({ label: `the other scheme (${parsed.protocol === "https:" ? "http" : "https"}): a TLS proxy in front of your app?`, url: swapScheme(url), params });
  const noQuery = url.split("?")[0]!;
  if (noQuery !== url) out.push({ label: "the URL without its query string", url: noQuery, params });
  const slash = noQuery.endsWith("/") ? url.replace(/\/(\?|$)/, "$1") : url.replace(/(\?|$)/, "/$1");
  out.push({ label: "the URL with the trailing slash toggled", url: slash, params });
  if (parsed.hostname !== parsed.hostname.toLowerCase() || /[A-Z]/.test(url.split("/")[2] ?? "")) {
    out.push({ label: "a lower-cased host", url: url.replace(/^(\w+:\/\/)([^/?#]+)/, (_, s: string, h: string) => s + h.toLowerCase()), params });
  }
  if (Object.keys(params).length) out.push({ label: "no POST params (a GET or JSON webhook signs the URL only)", url, params: {} });
  return out;
}

/** `twk webhook sign|verify`. */
export async function runWebhook(argv: readonly string[], ctx: Context): Promise<number> {
  const { io } = ctx;
  const [sub, ...rest] = argv;
  if (sub !== "sign" && sub !== "verify") {
    if (sub === "--help" || sub === "-h") return io.out(HELP).then(() => EXIT.ok);
    io.err(HELP);
    if (sub === undefined) return EXIT.usage;
    throw usageError(`unknown command "webhook ${sub}"`, "use sign or verify");
  }
  const { flags, positionals } = parseArgs(rest, FLAGS);
  if (flags.help) return io.out(HELP).then(() => EXIT.ok);
  if (positionals.length) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const url = stringFlag(flags, "url");
  if (!url) throw usageError(`twk webhook ${sub} needs --url`);
  const rawFlag = stringFlag(flags, "raw-body");
  const rawFile = stringFlag(flags, "raw-body-file");
  const rawBody: string | Buffer | undefined = rawFile !== undefined ? readFileSync(rawFile) : rawFlag !== undefined ? readInput(rawFlag) : undefined;
  const params = collectParams(flags);
  if (rawBody !== undefined && Object.keys(params).length) throw usageError("--raw-body signs the URL only: drop --param/--body");
  const token = authTokenOf(flags, io.env);
  const output = outputOptions(flags, io);
  // Plain text unless JSON is asked for: `$(twk webhook sign …)` is the signature itself.
  const isJson = flags.output !== undefined && (output.format === "json" || output.format === "ndjson");

  const bodyHash = rawBody === undefined ? undefined : sha256Hex(rawBody);
  const signedUrl = bodyHash ? withBodyHash(url, bodyHash) : url;
  const signedParams = bodyHash ? {} : params;
  const expected = await computeTwilioSignature(token, signedUrl, signedParams);
  // The string that is HMAC'd: URL + sorted name/value pairs. It holds no secret.
  const signedString = signedUrl + serializeParams(signedParams);

  if (sub === "sign") {
    const result: Record<string, unknown> = { signature: expected, url: signedUrl, signed_string: signedString };
    if (bodyHash) result.body_sha256 = bodyHash;
    if (isJson) await io.out(`${JSON.stringify(result, null, output.format === "json" ? 2 : 0)}\n`);
    else {
      await io.out(`${expected}\n`);
      io.err(`X-Twilio-Signature: ${expected}\nsigned string: ${signedString}\n${bodyHash ? `(URL to request: ${signedUrl})\n` : ""}`);
    }
    return EXIT.ok;
  }

  const signature = stringFlag(flags, "signature");
  if (!signature) throw usageError("twk webhook verify needs --signature (the X-Twilio-Signature header)");
  const verdict = await verifyTwilioSignature(
    rawBody === undefined ? { authToken: token, signature, url, params } : { authToken: token, signature, url: signedUrl, rawBody },
  );
  const diagnosis: string[] = [];
  let matchedVariant: string | undefined;
  if (!verdict.ok && verdict.reason === "mismatch") {
    for (const variant of variantsOf(signedUrl, signedParams)) {
      if ((await computeTwilioSignature(token, variant.url, variant.params)) === signature) {
        matchedVariant = `${variant.label}: ${variant.url}`;
        break;
      }
    }
    if (matchedVariant) diagnosis.push(`the signature matches ${matchedVariant}`);
    else {
      diagnosis.push("no URL or params variant matches: most likely another auth token signed it");
      diagnosis.push("(a subaccount's token, a rotated token, or test credentials), or params were added/changed by a proxy");
    }
  } else if (!verdict.ok && verdict.reason === "body_hash_mismatch") {
    diagnosis.push(`the body's SHA-256 is ${bodyHash}: the body changed after signing (re-serialised JSON? pass the raw bytes)`);
  } else if (!verdict.ok && verdict.reason === "missing_body_hash") {
    diagnosis.push("a raw body is checked through the URL's bodySHA256 parameter, and this URL has none");
  }
  if (isJson) {
    const result: Record<string, unknown> = { ok: verdict.ok, expected_signature: expected, signed_string: signedString };
    if (!verdict.ok) result.reason = verdict.reason;
    if (matchedVariant) result.matched = matchedVariant;
    if (diagnosis.length) result.diagnosis = diagnosis.join(" ");
    await io.out(`${JSON.stringify(result, null, output.format === "json" ? 2 : 0)}\n`);
  } else if (verdict.ok) {
    await io.out("valid\n");
  } else {
    await io.out(`invalid: ${verdict.reason}\n`);
    io.err(`expected: ${expected}\nreceived: ${signature}\nsigned string: ${signedString}\n${diagnosis.map((d) => `${d}\n`).join("")}`);
  }
  return verdict.ok ? EXIT.ok : EXIT.mismatch;
}
