// OAuth client credentials the token endpoint accepts: clients registered through the control API
// (`OQ…` client id, random secret), each acting for one account. Stored in the meta table, so they
// survive a restart of a file-backed sandbox and go with `reset()`.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "../engine/context.js";
import { badRequest } from "../http/errors.js";

/** A registered OAuth client (the secret is only returned at creation). */
export interface OAuthClient {
  client_id: string;
  friendly_name: string;
  account_sid: string;
  date_created: string;
}

interface StoredClient extends OAuthClient {
  _secret: string;
}

const PREFIX = "oauth_client:";
const CLIENT_ID = /^OQ[0-9a-f]{32}$/;
const MAX_FRIENDLY_NAME = 64;

/**
 * Registers a client for an account; the answer carries `client_secret` (shown once).
 * @throws SandboxHttpError 400 for an unknown account or an overlong friendly name
 */
export function createOAuthClient(ctx: Context, accountSid: string, friendlyName = ""): OAuthClient & { client_secret: string } {
  if (!ctx.store.cached("account", accountSid)) throw badRequest(20001, `Unknown accountSid ${JSON.stringify(accountSid)}`);
  if (friendlyName.length > MAX_FRIENDLY_NAME) throw badRequest(20001, `friendlyName is longer than ${MAX_FRIENDLY_NAME} characters`);
  const client: StoredClient = {
    client_id: `OQ${randomBytes(16).toString("hex")}`,
    friendly_name: friendlyName,
    account_sid: accountSid,
    date_created: new Date(ctx.clock.now()).toISOString(),
    // 48 random bytes, base64url: the length and alphabet of Twilio's example secrets
    _secret: randomBytes(48).toString("base64url"),
  };
  ctx.store.setMeta(PREFIX + client.client_id, JSON.stringify(client));
  const { _secret, ...wire } = client;
  return { ...wire, client_secret: _secret };
}

/** The account a client id and secret belong to, or undefined (unknown id or wrong secret, compared in constant time). */
export function checkOAuthClient(ctx: Context, clientId: string, clientSecret: string): OAuthClient | undefined {
  if (!CLIENT_ID.test(clientId)) return undefined;
  const raw = ctx.store.meta(PREFIX + clientId);
  if (raw === undefined) return undefined;
  const stored = JSON.parse(raw) as StoredClient;
  const expected = Buffer.from(stored._secret);
  const given = Buffer.from(clientSecret);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  const { _secret, ...wire } = stored;
  return wire;
}
