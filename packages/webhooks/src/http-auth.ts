// HTTP Basic credentials on webhooks. Twilio supports `https://user:pass@host/path` webhook URLs: it
// first requests without `Authorization` and repeats the request with credentials after a 401 that
// carries `WWW-Authenticate`. This module is the app's side of that exchange, on any runtime.
import { timingSafeEqual } from "./signature.js";

/** Credentials a webhook request must carry in `Authorization: Basic …`, besides a valid signature. */
export interface HttpAuthOptions {
  /** The user name in the webhook URL (`https://user:…@`). May not contain `:` (RFC 7617). */
  username: string;
  /** The password in the webhook URL. */
  password: string;
  /** The protection space named in `WWW-Authenticate` (default `"Twilio webhooks"`). */
  realm?: string;
}

/** Why the credentials were refused: none sent (or not Basic), or Basic ones that are wrong or malformed. */
export type HttpAuthFailure = "missing_credentials" | "invalid_credentials";

/**
 * Check `httpAuth` for misuse once, when an adapter is created.
 * @throws TypeError when the username or password is not a string, or the username contains `:`.
 */
export function assertHttpAuth(auth: HttpAuthOptions | undefined): void {
  if (auth === undefined) return;
  const { username, password, realm } = auth as Partial<HttpAuthOptions>;
  if (typeof username !== "string" || !username || username.includes(":")) {
    throw new TypeError("[@twilio-kit/webhooks] httpAuth.username must be a non-empty string without ':'");
  }
  if (typeof password !== "string") throw new TypeError("[@twilio-kit/webhooks] httpAuth.password must be a string");
  if (realm !== undefined && typeof realm !== "string") throw new TypeError("[@twilio-kit/webhooks] httpAuth.realm must be a string");
}

// Strict: one space-separated token of padded base64 and nothing after it (junk after the padding
// must not authenticate). The scheme name is case-insensitive (RFC 9110 §11.1).
const basicCredentials = /^basic +([A-Za-z0-9+/]*={0,2}) *$/i;

function decodeCredentials(token: string): [string, string] | undefined {
  if (token.length % 4 !== 0) return undefined;
  try {
    // Made per call: a module-level decoder would sit in every validate-only bundle (shared chunk).
    const text = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(atob(token), (char) => char.charCodeAt(0)));
    const colon = text.indexOf(":");
    return colon < 0 ? undefined : [text.slice(0, colon), text.slice(colon + 1)];
  } catch {
    // Not base64 after all, or not UTF-8.
    return undefined;
  }
}

/** Check an `Authorization` header against `auth`, in time independent of where the values differ. */
export function checkHttpAuth(authorization: string | undefined, auth: HttpAuthOptions): HttpAuthFailure | undefined {
  // Another scheme (Digest, Bearer) is answered like no credentials: with the Basic challenge.
  if (!authorization || !/^basic(?: |$)/i.test(authorization)) return "missing_credentials";
  const credentials = decodeCredentials(basicCredentials.exec(authorization)?.[1] ?? "!");
  if (!credentials) return "invalid_credentials";
  // Both compared in full, never short-circuited: the time says nothing about which one was wrong.
  const isUser = timingSafeEqual(credentials[0], auth.username);
  const isPassword = timingSafeEqual(credentials[1], auth.password);
  return isUser && isPassword ? undefined : "invalid_credentials";
}

/** The `WWW-Authenticate` value of the 401 answer. */
export function basicChallenge(auth: HttpAuthOptions): string {
  // quoted-string: escape `\` and `"` (RFC 9110 §5.6.4).
  const realm = (auth.realm ?? "Twilio webhooks").replace(/["\\]/g, "\\$&");
  return `Basic realm="${realm}", charset="UTF-8"`;
}
