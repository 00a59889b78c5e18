// Option checks of the optional auth features, run when the client is created. They live apart from
// oauth.ts and client-validation.ts, which load on the first request: a bad option still throws from
// `createTwilio`, while a client without these features bundles only these few lines.
import type { ClientValidationOptions } from "./client-validation.js";
import type { OAuthOptions } from "./oauth.js";

/**
 * Checks OAuth client credentials.
 * @throws TypeError when clientId or clientSecret is missing.
 */
export function checkOAuthOptions(options: OAuthOptions): void {
  if (typeof options.clientId !== "string" || options.clientId === "") {
    throw new TypeError("[@twilio-kit/core] oauth needs a clientId (or TWILIO_CLIENT_ID)");
  }
  if (typeof options.clientSecret !== "string" || options.clientSecret === "") {
    throw new TypeError("[@twilio-kit/core] oauth needs a clientSecret (or TWILIO_CLIENT_SECRET)");
  }
}

function requireString(value: unknown, name: string, pattern?: RegExp): string {
  if (typeof value !== "string" || value === "") throw new TypeError(`[@twilio-kit/core] clientValidation needs ${name}`);
  if (pattern && !pattern.test(value)) {
    throw new TypeError(`[@twilio-kit/core] clientValidation.${name} must match ${pattern.source}, got ${JSON.stringify(value.slice(0, 34))}`);
  }
  return value;
}

/**
 * Checks the `clientValidation` options (the key itself is read on first use).
 * @throws TypeError when an option is missing or malformed.
 */
export function checkClientValidationOptions(options: ClientValidationOptions): void {
  requireString(options.credentialSid, "credentialSid", /^CR[0-9a-fA-F]{32}$/);
  requireString(options.signingKey, "signingKey", /^SK[0-9a-fA-F]{32}$/);
  const algorithm = options.algorithm ?? "RS256";
  if (algorithm !== "RS256" && algorithm !== "PS256") {
    throw new TypeError(`[@twilio-kit/core] clientValidation.algorithm must be "RS256" or "PS256", got ${JSON.stringify(algorithm)}`);
  }
  if (typeof options.privateKey !== "string" && !(typeof CryptoKey !== "undefined" && options.privateKey instanceof CryptoKey)) {
    throw new TypeError("[@twilio-kit/core] clientValidation needs privateKey (a PEM string or a CryptoKey)");
  }
}
