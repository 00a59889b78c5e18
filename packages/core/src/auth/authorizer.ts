// Where the `Authorization` header of each request comes from: a fixed Basic pair, or a bearer token
// that is fetched, cached and refreshed (OAuth client credentials).

/** Produces the `Authorization` header value for the next request. */
export interface Authorizer {
  /** The header value; may wait for a token fetch. The caller's signal only stops its own wait. */
  authorization(signal?: AbortSignal | null): string | Promise<string>;
  /**
   * Drops `used` after Twilio answered 401 to it, so the next `authorization()` fetches afresh.
   * Absent when a retry cannot help (a fixed Basic pair).
   */
  invalidate?(used: string): void;
}

/** `Basic base64(user:password)`, UTF-8 as Twilio expects. */
export function basicAuthorization(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

/** A fixed Basic pair (account SID + auth token, or API key + secret). */
export function createBasicAuthorizer(user: string, password: string): Authorizer {
  const header = basicAuthorization(user, password);
  return { authorization: () => header };
}
