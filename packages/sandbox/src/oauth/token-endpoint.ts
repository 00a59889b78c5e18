// `POST https://oauth.twilio.com/v2/token` with `grant_type=client_credentials`: the client id and
// secret (form fields, or HTTP Basic as RFC 6749 §2.3.1 allows) of a registered OAuth client, or an
// API key SID and secret, buy a short-lived bearer token in Twilio's response shape
// (`access_token`, `refresh_token`, `id_token`, `token_type`, `expires_in`).
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AccountDoc, KeyDoc } from "../accounts/account.js";
import type { Context, Principal } from "../engine/context.js";
import { badRequest, INVALID_PARAMETER, SandboxHttpError, unauthorized } from "../http/errors.js";
import { parseForm } from "../http/form.js";
import type { Operation } from "../http/route-table.js";
import { checkOAuthClient } from "./clients.js";
import { issueAccessToken } from "./tokens.js";

/** Whether an operation is the OAuth token endpoint (answered before Basic auth, from its body). */
export function isTokenEndpoint(operation: Operation): boolean {
  return operation.domain === "oauth" && operation.operationId === "CreateOauth2Token";
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header?.trim() ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon > 0 ? { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) } : undefined;
}

function principalOf(ctx: Context, clientId: string, clientSecret: string): Principal | undefined {
  if (clientId.startsWith("SK")) {
    const key = ctx.store.get<KeyDoc>("key", clientId);
    if (!key) return undefined;
    const expected = Buffer.from(key._secret);
    const given = Buffer.from(clientSecret);
    return expected.length === given.length && timingSafeEqual(expected, given) ? { accountSid: key._account, keySid: key.sid } : undefined;
  }
  const client = checkOAuthClient(ctx, clientId, clientSecret);
  return client ? { accountSid: client.account_sid } : undefined;
}

/**
 * Answers a token request.
 * @throws SandboxHttpError 400 (20001) for a missing or unsupported grant, 401 (20003) for unknown client credentials, 401 (20005) for an inactive account
 */
export async function handleTokenRequest(ctx: Context, req: IncomingMessage, res: ServerResponse, readBody: (req: IncomingMessage) => Promise<string>): Promise<void> {
  const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  const body = await readBody(req);
  if (body && contentType !== "application/x-www-form-urlencoded") {
    throw new SandboxHttpError(415, INVALID_PARAMETER, `Unsupported Content-Type ${contentType || "(none)"}: send application/x-www-form-urlencoded`);
  }
  const form = parseForm(body);
  const grantType = form.grant_type?.[0];
  if (!grantType) throw badRequest(20001, "Missing required parameter grant_type");
  if (grantType !== "client_credentials") throw badRequest(20001, `Unsupported grant_type ${JSON.stringify(grantType)}: the sandbox issues client_credentials tokens`);
  const basic = basicCredentials(req.headers.authorization);
  const clientId = form.client_id?.[0] ?? basic?.id;
  const clientSecret = form.client_secret?.[0] ?? basic?.secret;
  if (!clientId || !clientSecret) throw badRequest(20001, "Missing required parameter client_id or client_secret");
  const principal = principalOf(ctx, clientId, clientSecret);
  if (!principal) throw unauthorized();
  const account = ctx.store.cached<AccountDoc>("account", principal.accountSid);
  if (!account || account.status === "closed") throw unauthorized();
  if (account.status === "suspended") throw new SandboxHttpError(401, 20005, "Account not active");
  const { token, expiresInSec } = issueAccessToken(ctx, principal, clientId);
  const text = JSON.stringify({ access_token: token, refresh_token: null, id_token: null, token_type: "bearer", expires_in: expiresInSec });
  // tokens must not be cached by anything between the client and us (RFC 6749 §5.1)
  res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-store", Pragma: "no-cache" });
  res.end(text);
}
