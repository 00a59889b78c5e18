// `twk token access|decode`: mint an Access Token from the active profile's API key, and show what a
// token holds. The tokens themselves are @twilio-kit/tokens' (byte-identical to twilio-node's).
import { readFileSync } from "node:fs";
import { createAccessToken, decodeToken, verifyAccessToken, type AccessTokenOptions, type JwtAlgorithm } from "@twilio-kit/tokens";
import { GLOBAL_FLAGS, intFlag, parseArgs, renderFlags, stringFlag, type FlagSpecs } from "../args.js";
import { resolveCredentials } from "../client.js";
import type { Context } from "../context.js";
import { CliError, usageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import { outputOptions } from "../output.js";
import { nearest } from "../suggest.js";
import { parseGrants } from "./token-grants.js";

const ACCESS_FLAGS: FlagSpecs = {
  identity: { type: "string", value: "name", description: "(required) Who the token is for (grants.identity)" },
  grant: { type: "string", multiple: true, value: "kind:opt=v", description: "(repeatable) voice, video, chat, sync, taskRouter or playback, with options" },
  ttl: { type: "string", value: "seconds", description: "Lifetime (default 3600, at most 86400)" },
  nbf: { type: "string", value: "epoch-s", description: "Not valid before this time (seconds since the epoch)" },
  algorithm: { type: "string", value: "HS256", description: "HS256 (default), HS384 or HS512" },
  ...GLOBAL_FLAGS,
};

const DECODE_FLAGS: FlagSpecs = {
  verify: { type: "boolean", description: "Check the signature and expiry with your credentials (exit 7 when invalid)" },
  ...GLOBAL_FLAGS,
};

const HELP = `Mint and inspect Twilio Access Tokens.

Usage: twk token access --identity <name> [--grant <kind>[:option=value,…] …] [--ttl 3600]
       twk token decode <jwt|-> [--verify]

access prints a token signed with the API key of the active profile (or --api-key/--api-secret,
TWILIO_API_KEY/TWILIO_API_SECRET); a --region becomes the token's home region (twr).
Grants and their options (twilio-node's names; kebab-case works too):
  voice       incomingAllow=true, outgoingApplicationSid=AP…, outgoingApplicationParams.<Name>=v,
              pushCredentialSid=CR…, endpointId=…
  video       room=<name or RM…>
  chat        serviceSid=IS…, endpointId=…, deploymentRoleSid=RL…, pushCredentialSid=CR…
  sync        serviceSid=IS…, endpointId=…
  taskRouter  workspaceSid=WS…, workerSid=WK…, role=…
  playback    grant=<JSON from the PlaybackGrant API>

decode shows the header and claims (never the signature); --verify checks it with your API secret
(the auth token for capability tokens).

Examples:
  twk token access --identity alice --grant video:room=daily
  twk token access --identity alice --grant voice:incomingAllow=true,outgoingApplicationSid=AP…
  twk token decode "$TOKEN" --verify

Flags (access):
${renderFlags(ACCESS_FLAGS)}
`;

/** `twk token access|decode`. */
export async function runToken(argv: readonly string[], ctx: Context): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "access") return access(rest, ctx);
  if (sub === "decode") return decode(rest, ctx);
  if (sub === "--help" || sub === "-h") return ctx.io.out(HELP).then(() => EXIT.ok);
  ctx.io.err(HELP);
  if (sub === undefined) return EXIT.usage;
  const guess = nearest(sub, ["access", "decode"]);
  throw usageError(`unknown command "token ${sub}"`, guess ? `did you mean \`twk token ${guess}\`?` : "use access or decode");
}

async function access(argv: readonly string[], ctx: Context): Promise<number> {
  const { flags, positionals } = parseArgs(argv, ACCESS_FLAGS);
  if (flags.help) return ctx.io.out(HELP).then(() => EXIT.ok);
  if (positionals.length) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`, "grants go in --grant kind:option=value");
  const identity = stringFlag(flags, "identity");
  if (!identity) throw usageError("twk token access needs --identity");
  const creds = resolveCredentials(flags, ctx.io.env);
  if (!creds.apiKey || !creds.apiSecret) {
    throw new CliError(`${creds.source} has no API key: Access Tokens are signed with an API key and its secret`, EXIT.auth, "create one (twk api keys create), then twk login with it, or pass --api-key SK… --api-secret …");
  }
  const options: AccessTokenOptions = { accountSid: creds.accountSid, apiKey: creds.apiKey, apiSecret: creds.apiSecret, identity, grants: parseGrants((flags.grant as string[] | undefined) ?? []) };
  const ttl = intFlag(flags, "ttl", 1);
  if (ttl !== undefined) options.ttl = ttl;
  const nbf = intFlag(flags, "nbf");
  if (nbf !== undefined) options.nbf = nbf;
  const algorithm = stringFlag(flags, "algorithm");
  if (algorithm !== undefined) options.algorithm = algorithm as JwtAlgorithm;
  if (creds.region) options.region = creds.region;
  let token: string;
  try {
    token = await createAccessToken(options);
  } catch (error) {
    // The package's TypeErrors name the option and never quote values (the secret stays out).
    if (error instanceof TypeError) throw usageError(error.message.replace("[@twilio-kit/tokens] ", ""));
    throw error;
  }
  const output = outputOptions(flags, ctx.io);
  const { claims } = decodeToken(token);
  const expiresAt = new Date((claims.exp as number) * 1000).toISOString();
  if (flags.output !== undefined && (output.format === "json" || output.format === "ndjson")) {
    const result = { token, identity, grants: claims.grants, expires_at: expiresAt, api_key: creds.apiKey };
    await ctx.io.out(`${JSON.stringify(result, null, output.format === "json" ? 2 : 0)}\n`);
  } else {
    // stdout is the token alone: TOKEN=$(twk token access …)
    await ctx.io.out(`${token}\n`);
    const kinds = Object.keys(options.grants ?? {});
    ctx.io.err(`Access Token for ${identity} (${kinds.length ? kinds.join(", ") : "no grants"}), signed with ${creds.apiKey} from ${creds.source}, expires ${expiresAt}\n`);
  }
  return EXIT.ok;
}

function readToken(positionals: string[]): string {
  if (positionals.length > 1) throw usageError("twk token decode takes one token");
  const raw = positionals[0] === undefined || positionals[0] === "-" ? readFileSync(0, "utf8") : positionals[0];
  // Accept `Bearer …` and pasted whitespace
  return raw.trim().replace(/^Bearer\s+/i, "");
}

function describeTimes(claims: Record<string, unknown>, nowSec: number): string[] {
  const lines: string[] = [];
  const at = (sec: unknown) => (typeof sec === "number" ? new Date(sec * 1000).toISOString() : undefined);
  if (at(claims.iat)) lines.push(`issued   ${at(claims.iat)}`);
  if (at(claims.nbf)) lines.push(`valid from ${at(claims.nbf)}`);
  if (typeof claims.exp === "number") {
    const left = claims.exp - nowSec;
    lines.push(`expires  ${at(claims.exp)} (${left > 0 ? `in ${Math.ceil(left / 60)} min` : `expired ${Math.floor(-left / 60)} min ago`})`);
  }
  return lines;
}

async function decode(argv: readonly string[], ctx: Context): Promise<number> {
  const { flags, positionals } = parseArgs(argv, DECODE_FLAGS);
  if (flags.help) return ctx.io.out(HELP).then(() => EXIT.ok);
  const jwt = readToken(positionals);
  let decoded: ReturnType<typeof decodeToken>;
  try {
    decoded = decodeToken(jwt);
  } catch {
    throw usageError("not a JWT: expected three base64url parts (header.claims.signature)");
  }
  const result: Record<string, unknown> = { header: decoded.header, claims: decoded.claims };
  let ok = true;
  if (flags.verify) {
    const verdict = await verifyWithCredentials(jwt, decoded.claims, flags, ctx);
    ok = verdict.ok;
    result.valid = verdict.ok;
    if (!verdict.ok) result.reason = verdict.reason;
  }
  const output = outputOptions(flags, ctx.io);
  if (output.format === "json" || output.format === "ndjson") {
    await ctx.io.out(`${JSON.stringify(result, null, output.format === "json" ? 2 : 0)}\n`);
  } else {
    const lines = [`header   ${JSON.stringify(decoded.header)}`, `claims   ${JSON.stringify(decoded.claims, null, 2).replace(/\n/g, "\n         ")}`, ...describeTimes(decoded.claims, Date.now() / 1000)];
    if (flags.verify) lines.push(ok ? "signature valid" : `invalid: ${result.reason}`);
    await ctx.io.out(`${lines.join("\n")}\n`);
  }
  return ok ? EXIT.ok : EXIT.mismatch;
}

/** Verifies with the API secret (Access Tokens, iss SK…) or the auth token (capability tokens, iss AC…). */
async function verifyWithCredentials(jwt: string, claims: Record<string, unknown>, flags: Parameters<typeof resolveCredentials>[0], ctx: Context) {
  const creds = resolveCredentials(flags, ctx.io.env);
  const isAccessToken = typeof claims.iss === "string" && claims.iss.startsWith("SK");
  const secret = isAccessToken ? creds.apiSecret : creds.authToken;
  if (!secret) {
    throw new CliError(`${creds.source} has no ${isAccessToken ? "API secret" : "auth token"} to verify this token with`, EXIT.auth, isAccessToken ? "pass --api-key and --api-secret" : "pass --auth-token");
  }
  if (isAccessToken && creds.apiKey && creds.apiKey !== claims.iss) {
    ctx.io.err(`note: the token was issued by ${claims.iss as string}, your credentials hold ${creds.apiKey}\n`);
  }
  return verifyAccessToken(jwt, { apiSecret: secret });
}
