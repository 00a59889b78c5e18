// API keys of the iam v1 API (`https://iam.twilio.com/v1/Keys`): create standard keys (default) or
// restricted ones (`KeyType=restricted` + `Policy`), list by `AccountSid`, fetch, update, delete.
// `KeyType=main` is a sandbox extension: Twilio makes main keys in the Console only.
import { pageOf, toWire } from "../engine/context.js";
import { first, rfc2822, type Params } from "../engine/util.js";
import { badRequest, notFound, unauthorized } from "../http/errors.js";
import type { Handler, HandlerRequest } from "../http/handler.js";
import type { Doc } from "../engine/store.js";
import type { AccountDoc, KeyDoc } from "./account.js";
import { assertAccess } from "./auth.js";
import { keyTypeOf } from "./keys-authorize.js";
import { randomKeySecret } from "./keys-secret.js";
import { parseKeyType, parsePolicy } from "./keys-types.js";

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const KEY_SID = /^SK[0-9a-fA-F]{32}$/;
const MAX_FRIENDLY_NAME = 64;

/** The iam v1 `key` wire object: sid, friendly_name, dates and the policy (null unless restricted). */
function keyWire(doc: Readonly<KeyDoc>): Record<string, unknown> {
  return { sid: doc.sid, friendly_name: doc.friendly_name, date_created: doc.date_created, date_updated: doc.date_updated, policy: doc._policy ?? null };
}

/** The list item (`get_keys`): the same without the policy, with Twilio's flags. */
function listWire(doc: Doc): Record<string, unknown> {
  const key = doc as KeyDoc;
  return { sid: key.sid, friendly_name: key.friendly_name, date_created: key.date_created, date_updated: key.date_updated, flags: ["rest_api", "signing"] };
}

function friendlyName(params: Params): string | undefined {
  const name = first(params, "FriendlyName");
  if (name !== undefined && name.length > MAX_FRIENDLY_NAME) throw badRequest(20001, `Invalid FriendlyName: longer than ${MAX_FRIENDLY_NAME} characters`);
  return name;
}

// iam keys name their account in a parameter, not the path
function accountOf({ ctx, params, principal }: HandlerRequest): string {
  const accountSid = first(params, "AccountSid");
  if (accountSid === undefined) throw badRequest(20001, "Missing required parameter AccountSid");
  if (!ACCOUNT_SID.test(accountSid)) throw badRequest(20001, `Invalid AccountSid: ${JSON.stringify(accountSid)} does not match ^AC[0-9a-fA-F]{32}$`);
  // keys act on their own account only (checked for path AccountSids by authorizeKey)
  if (principal.keySid && accountSid !== principal.accountSid) throw unauthorized();
  return assertAccess(ctx, principal, accountSid).sid;
}

function ownKey(request: HandlerRequest): KeyDoc {
  const sid = request.path.Sid!;
  const doc = KEY_SID.test(sid) ? request.ctx.store.get<KeyDoc>("key", sid) : undefined;
  // a key of an account the caller cannot reach is as absent as a missing one
  if (!doc || (doc._account !== request.principal.accountSid && request.ctx.store.cached<AccountDoc>("account", doc._account)?._parent !== request.principal.accountSid)) {
    throw notFound(request.rawPath);
  }
  return doc;
}

/** Handlers of the iam v1 Key operations (domain `iam`). */
export const iamKeyHandlers: Record<string, Handler> = {
  CreateNewKey(request) {
    const { ctx, params, principal } = request;
    const accountSid = accountOf(request);
    const { type, policy } = parseKeyType(first(params, "KeyType"), first(params, "Policy"));
    // a main key is as strong as the auth token: only the token or another main key may mint one
    if (type === "main" && principal.keySid && keyTypeOf(ctx, principal) !== "main") throw unauthorized();
    const now = rfc2822(ctx.clock.now());
    const secret = randomKeySecret();
    const doc: KeyDoc = { sid: ctx.sid("SK"), friendly_name: friendlyName(params) ?? "", date_created: now, date_updated: now, _secret: secret, _account: accountSid, _type: type, _policy: policy };
    ctx.store.insert("key", doc, { account_sid: accountSid });
    ctx.invalidateAuth();
    ctx.events.emit({ type: "key.created", at: ctx.clock.now(), sid: doc.sid, keyType: type });
    // the secret is returned once, at creation
    const wire = keyWire(doc);
    return { status: 201, body: { sid: wire.sid, friendly_name: wire.friendly_name, date_created: now, date_updated: now, secret, policy: wire.policy } };
  },
  ListGetKeys(request) {
    const accountSid = accountOf(request);
    const body = pageOf(request.ctx.store, request.params, {
      kind: "key",
      path: "/v1/Keys",
      listKey: "keys",
      filters: { AccountSid: accountSid },
      query: { accountSid, order: "asc" },
      map: listWire,
      envelope: "meta",
      origin: "https://iam.twilio.com",
    });
    return { status: 200, body };
  },
  FetchKey(request) {
    return { status: 200, body: keyWire(ownKey(request)) };
  },
  UpdateKey(request) {
    const doc = ownKey(request);
    const name = friendlyName(request.params);
    if (name !== undefined) doc.friendly_name = name;
    const policy = first(request.params, "Policy");
    if (policy !== undefined) {
      if ((doc._type ?? "standard") !== "restricted") throw badRequest(20001, "Policy can only be updated on a restricted key");
      doc._policy = parsePolicy(policy);
    }
    doc.date_updated = rfc2822(request.ctx.clock.now());
    request.ctx.store.update("key", doc, { account_sid: doc._account });
    request.ctx.invalidateAuth();
    return { status: 200, body: keyWire(doc) };
  },
  DeleteKey(request) {
    const doc = ownKey(request);
    request.ctx.store.remove("key", doc.sid);
    request.ctx.invalidateAuth();
    return { status: 204 };
  },
};
