// OAuth and public-key client validation, loaded with `import()` on the first request that needs
// them: a client with Basic auth (the common case) never loads, and a bundler never includes, the
// token cache or the request canonicalizer. Options are checked at once, so misuse still throws
// from `createTwilio`.
import type { Authorizer } from "./authorizer.js";
import { checkClientValidationOptions, checkOAuthOptions } from "./check-options.js";
import type { ClientValidationOptions, ClientValidator } from "./client-validation.js";
import type { OAuthContext, OAuthOptions } from "./oauth.js";

/** Runs `load` once; a failed load (a broken bundle) fails that call and is tried again by the next. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
}

/**
 * The OAuth authorizer of oauth.ts, loaded on the first request. Concurrent first requests share
 * one load and then one token fetch (the single flight lives in oauth.ts).
 * @throws TypeError when clientId or clientSecret is missing.
 */
export function createLazyOAuthAuthorizer(options: OAuthOptions, context: OAuthContext): Authorizer {
  checkOAuthOptions(options);
  let loaded: Authorizer | undefined;
  const load = once(() => import("./oauth.js").then(({ createOAuthAuthorizer }) => (loaded = createOAuthAuthorizer(options, context))));
  return {
    authorization(signal) {
      if (loaded) return loaded.authorization(signal);
      return load().then((authorizer) => authorizer.authorization(signal));
    },
    invalidate(used) {
      loaded?.invalidate?.(used);
    },
  };
}

/**
 * The `Twilio-Client-Validation` signer of client-validation.ts, loaded on the first request.
 * @throws TypeError when an option is missing or malformed.
 */
export function createLazyClientValidator(options: ClientValidationOptions, accountSid: string): ClientValidator {
  checkClientValidationOptions(options);
  const load = once(() => import("./client-validation.js").then(({ createClientValidator }) => createClientValidator(options, accountSid)));
  return async (request) => (await load())(request);
}
