// Which credentials a client uses. Explicit options win over the environment; in the environment,
// OAuth client credentials win over an API key pair, which wins over the auth token.
import type { OAuthOptions } from "./oauth.js";

/** Environment variables as `process.env` holds them. */
export type Env = Record<string, string | undefined>;

/** What `resolveCredentials` found: the account and one way to authenticate. */
export type ResolvedCredentials =
  | { accountSid: string; kind: "basic"; user: string; password: string }
  | { accountSid: string; kind: "oauth"; oauth: OAuthOptions };

/** The credential options of `createTwilio`. */
export interface CredentialOptions {
  accountSid?: string;
  authToken?: string;
  apiKey?: string;
  apiSecret?: string;
  oauth?: OAuthOptions;
}

function checkAccountSid(accountSid: string | undefined): string {
  if (!accountSid) {
    throw new TypeError("[@twilio-kit/core] no account SID: pass { accountSid } or set TWILIO_ACCOUNT_SID");
  }
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) {
    throw new TypeError(
      `[@twilio-kit/core] accountSid must look like AC followed by 32 hex digits, got ${JSON.stringify(accountSid.slice(0, 34))}` +
        (accountSid.startsWith("SK") ? " (that is an API key SID: pass it as apiKey)" : ""),
    );
  }
  return accountSid;
}

/**
 * Resolves the account SID and the credentials of a client.
 * @throws TypeError when credentials are missing, conflicting or malformed.
 */
export function resolveCredentials(options: CredentialOptions, env: Env): ResolvedCredentials {
  const hasExplicitBasic = Boolean(options.authToken || options.apiKey || options.apiSecret);
  if (options.oauth && hasExplicitBasic) {
    throw new TypeError("[@twilio-kit/core] pass either oauth or authToken / apiKey + apiSecret, not both");
  }
  const accountSid = checkAccountSid(options.accountSid ?? env.TWILIO_ACCOUNT_SID);
  const envOAuth = env.TWILIO_CLIENT_ID || env.TWILIO_CLIENT_SECRET;
  const oauth = options.oauth ?? (!hasExplicitBasic && envOAuth ? { clientId: env.TWILIO_CLIENT_ID!, clientSecret: env.TWILIO_CLIENT_SECRET! } : undefined);
  if (oauth) {
    if (typeof oauth !== "object") throw new TypeError("[@twilio-kit/core] oauth must be { clientId, clientSecret }");
    return { accountSid, kind: "oauth", oauth };
  }
  const apiKey = options.apiKey ?? (options.authToken ? undefined : env.TWILIO_API_KEY);
  const apiSecret = options.apiSecret ?? (options.authToken ? undefined : env.TWILIO_API_SECRET);
  const authToken = options.authToken ?? (apiKey ? undefined : env.TWILIO_AUTH_TOKEN);
  if (apiKey) {
    if (!apiSecret) throw new TypeError("[@twilio-kit/core] apiKey needs apiSecret (or TWILIO_API_SECRET)");
    return { accountSid, kind: "basic", user: apiKey, password: apiSecret };
  }
  if (!authToken) {
    throw new TypeError(
      "[@twilio-kit/core] no credentials: pass { authToken }, { apiKey, apiSecret } or { oauth: { clientId, clientSecret } }, or set TWILIO_AUTH_TOKEN",
    );
  }
  return { accountSid, kind: "basic", user: accountSid, password: authToken };
}
