// Password-protected webhooks: `https://user:pass@host/path` URLs. Twilio "supports HTTP Basic and
// Digest Authentication": it requests without `Authorization` first and answers a `401` carrying
// `WWW-Authenticate` with the URL's credentials (https://www.twilio.com/docs/usage/security#http-authentication).
// The credentials never leave this module: callers get the URL without them for fetching, signing and logging.
import { createHash, randomBytes } from "node:crypto";

/** Username and password taken from a webhook URL's userinfo (percent-decoded). */
export interface UrlCredentials {
  username: string;
  password: string;
}

/**
 * Splits `http://user:pass@host/p` into the URL without userinfo and the decoded credentials.
 * A URL that does not parse is returned unchanged (the fetch reports it).
 */
export function splitUrlCredentials(url: string): { url: string; credentials: UrlCredentials | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, credentials: undefined };
  }
  if (parsed.username === "" && parsed.password === "") return { url, credentials: undefined };
  const credentials = { username: safeDecode(parsed.username), password: safeDecode(parsed.password) };
  parsed.username = "";
  parsed.password = "";
  return { url: parsed.toString(), credentials };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** One challenge of a `WWW-Authenticate` header: scheme and its auth-params. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

// a token, or a token `=` token/quoted-string pair, separated by commas (RFC 9110 §11.6.1)
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** Parses a `WWW-Authenticate` value (several challenges may share one header, joined by commas). */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let rest = header.slice(0, 8192);
  let current: Challenge | undefined;
  while (rest.length > 0) {
    rest = rest.replace(/^[\s,]+/, "");
    const token = TOKEN.exec(rest)?.[0];
    if (!token) break;
    rest = rest.slice(token.length);
    // `name=value` (a value follows the `=`) is a parameter of the current challenge
    const pair = current ? /^\s*=\s*(?=["!#$%&'*+\-.^_`|~0-9A-Za-z])/.exec(rest) : null;
    if (pair && current) {
      rest = rest.slice(pair[0].length);
      let value: string;
      if (rest.startsWith('"')) {
        const match = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
        if (!match) break;
        value = match[1]!.replace(/\\(.)/g, "$1");
        rest = rest.slice(match[0].length);
      } else {
        value = TOKEN.exec(rest)?.[0] ?? "";
        rest = rest.slice(value.length);
      }
      current.params[token.toLowerCase()] = value;
    } else {
      // a new scheme; `token68` (`Bearer abc==`) values are skipped, Basic and Digest never use them
      current = { scheme: token.toLowerCase(), params: {} };
      challenges.push(current);
      rest = rest.replace(/^\s+[A-Za-z0-9\-._~+/]+=*\s*(?=,|$)/, "");
    }
  }
  return challenges;
}

/** What the Digest response covers: method, request-target and (for `qop=auth-int`) the body. */
export interface DigestRequest {
  method: string;
  url: string;
  body: string | undefined;
}

const DIGEST_HASHES: Record<string, string> = { md5: "md5", "md5-sess": "md5", "sha-256": "sha256", "sha-256-sess": "sha256", "sha-512-256": "sha512-256", "sha-512-256-sess": "sha512-256" };

/**
 * The `Authorization` value answering a challenge with the URL's credentials: Digest when offered
 * (RFC 7616, MD5 / SHA-256 / SHA-512-256, `qop` auth or auth-int), else Basic; `undefined` when neither is offered.
 */
export function authorizationFor(header: string, credentials: UrlCredentials, request: DigestRequest): string | undefined {
  const challenges = parseChallenges(header);
  const digest = challenges.find((c) => c.scheme === "digest" && DIGEST_HASHES[(c.params.algorithm ?? "MD5").toLowerCase()] !== undefined && c.params.nonce !== undefined);
  if (digest) return digestAuthorization(digest.params, credentials, request);
  if (challenges.some((c) => c.scheme === "basic")) {
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64")}`;
  }
  return undefined;
}

function digestAuthorization(params: Record<string, string>, credentials: UrlCredentials, request: DigestRequest): string {
  const algorithm = params.algorithm ?? "MD5";
  const hashName = DIGEST_HASHES[algorithm.toLowerCase()]!;
  const hash = (text: string) => createHash(hashName).update(text, "utf8").digest("hex");
  const realm = params.realm ?? "";
  const nonce = params.nonce!;
  const target = new URL(request.url);
  const uri = target.pathname + target.search;
  const offered = (params.qop ?? "").split(",").map((q) => q.trim().toLowerCase()).filter(Boolean);
  const qop = offered.includes("auth") ? "auth" : offered.includes("auth-int") ? "auth-int" : undefined;
  const cnonce = randomBytes(16).toString("hex");
  const nc = "00000001";
  let ha1 = hash(`${credentials.username}:${realm}:${credentials.password}`);
  if (algorithm.toLowerCase().endsWith("-sess")) ha1 = hash(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = qop === "auth-int" ? hash(`${request.method}:${uri}:${hash(request.body ?? "")}`) : hash(`${request.method}:${uri}`);
  const response = qop ? hash(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : hash(`${ha1}:${nonce}:${ha2}`);
  const fields = [
    `username=${quote(credentials.username)}`,
    `realm=${quote(realm)}`,
    `nonce=${quote(nonce)}`,
    `uri=${quote(uri)}`,
    `algorithm=${algorithm}`,
    `response=${quote(response)}`,
  ];
  if (params.opaque !== undefined) fields.push(`opaque=${quote(params.opaque)}`);
  if (qop) fields.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
  return `Digest ${fields.join(", ")}`;
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}

/**
 * Fetches like Twilio does for a password-protected URL: first without `Authorization`; on a `401`
 * whose `WWW-Authenticate` offers Basic or Digest, once more with the URL's credentials. Without
 * credentials (or without a usable challenge) the first answer stands.
 */
export async function fetchWithChallenge(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit & { method: string; headers: Record<string, string>; body?: string | undefined },
  credentials: UrlCredentials | undefined,
): Promise<Response> {
  const first = await fetchFn(url, init);
  if (!credentials || first.status !== 401) return first;
  const header = first.headers.get("www-authenticate");
  const authorization = header ? authorizationFor(header, credentials, { method: init.method, url, body: init.body }) : undefined;
  if (!authorization) return first;
  // drain the challenge so the connection can be reused for the answer
  await first.arrayBuffer().catch(() => undefined);
  return fetchFn(url, { ...init, headers: { ...init.headers, Authorization: authorization } });
}
