// IncomingPhoneNumbers (owned numbers with their webhook URLs) and AvailablePhoneNumbers search.
import { assertAccess } from "../accounts/api.js";
import type { Context } from "../engine/context.js";
import { pageOf, toWire } from "../engine/context.js";
import { badRequest, notFound, SandboxHttpError } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import type { Doc } from "../engine/store.js";
import { first, formatNumber, isE164, rfc2822, type Params } from "../engine/util.js";

/** A stored IncomingPhoneNumber. */
export interface NumberDoc extends Doc {
  account_sid: string;
  phone_number: string;
  friendly_name: string;
  sms_url: string | null;
  sms_method: string;
  sms_fallback_url: string | null;
  sms_fallback_method: string;
  voice_url: string | null;
  voice_method: string;
  voice_fallback_url: string | null;
  voice_fallback_method: string;
  status_callback: string | null;
  status_callback_method: string;
}

// Params of create/update that map one-to-one onto a field (`SmsUrl` → `sms_url`).
const SETTABLE: Record<string, string> = {
  FriendlyName: "friendly_name",
  ApiVersion: "api_version",
  SmsUrl: "sms_url",
  SmsMethod: "sms_method",
  SmsFallbackUrl: "sms_fallback_url",
  SmsFallbackMethod: "sms_fallback_method",
  SmsApplicationSid: "sms_application_sid",
  VoiceUrl: "voice_url",
  VoiceMethod: "voice_method",
  VoiceFallbackUrl: "voice_fallback_url",
  VoiceFallbackMethod: "voice_fallback_method",
  VoiceApplicationSid: "voice_application_sid",
  VoiceReceiveMode: "voice_receive_mode",
  StatusCallback: "status_callback",
  StatusCallbackMethod: "status_callback_method",
  EmergencyStatus: "emergency_status",
  EmergencyAddressSid: "emergency_address_sid",
  TrunkSid: "trunk_sid",
  IdentitySid: "identity_sid",
  AddressSid: "address_sid",
  BundleSid: "bundle_sid",
};
const METHOD_FIELDS = new Set(["sms_method", "sms_fallback_method", "voice_method", "voice_fallback_method", "status_callback_method"]);

/** Options of `createNumber` (control API seed and the default number). */
export interface NumberOptions {
  accountSid: string;
  phoneNumber: string;
  friendlyName?: string;
  smsUrl?: string | null;
  smsMethod?: string;
  smsFallbackUrl?: string | null;
  voiceUrl?: string | null;
  voiceMethod?: string;
  voiceFallbackUrl?: string | null;
  statusCallback?: string | null;
}

/** Adds an owned number. */
export function createNumber(ctx: Context, options: NumberOptions): NumberDoc {
  const sid = ctx.sid("PN");
  const now = rfc2822(ctx.clock.now());
  // the official schema has no subresource_uris for numbers, so none is sent
  const base = `/2010-04-01/Accounts/${options.accountSid}/IncomingPhoneNumbers/${sid}`;
  const doc: NumberDoc = {
    account_sid: options.accountSid,
    address_sid: null,
    address_requirements: "none",
    api_version: "2010-04-01",
    beta: false,
    capabilities: { fax: false, mms: true, sms: true, voice: true },
    date_created: now,
    date_updated: now,
    friendly_name: options.friendlyName ?? formatNumber(options.phoneNumber),
    identity_sid: null,
    phone_number: options.phoneNumber,
    origin: "twilio",
    sid,
    sms_application_sid: "",
    sms_fallback_method: "POST",
    sms_fallback_url: options.smsFallbackUrl ?? "",
    sms_method: options.smsMethod ?? "POST",
    sms_url: options.smsUrl ?? "",
    status_callback: options.statusCallback ?? "",
    status_callback_method: "POST",
    trunk_sid: null,
    uri: `${base}.json`,
    voice_receive_mode: "voice",
    voice_application_sid: null,
    voice_caller_id_lookup: false,
    voice_fallback_method: "POST",
    voice_fallback_url: options.voiceFallbackUrl ?? null,
    voice_method: options.voiceMethod ?? "POST",
    voice_url: options.voiceUrl ?? null,
    emergency_status: "Inactive",
    emergency_address_sid: null,
    emergency_address_status: "unregistered",
    bundle_sid: null,
    status: "in-use",
  };
  ctx.store.insert("number", doc, { account_sid: doc.account_sid, key1: doc.phone_number, key2: doc.friendly_name });
  return doc;
}

function saveNumber(ctx: Context, doc: NumberDoc): void {
  ctx.store.update("number", doc, { account_sid: doc.account_sid, key1: doc.phone_number, key2: doc.friendly_name });
}

/** The owned number with this E.164 value, in any account. */
export function findNumber(ctx: Context, phoneNumber: string): NumberDoc | undefined {
  return ctx.store.findByKey1<NumberDoc>("number", phoneNumber)[0];
}

function applySettable(doc: NumberDoc, params: Params): void {
  for (const [param, field] of Object.entries(SETTABLE)) {
    const value = first(params, param);
    if (value === undefined) continue;
    (doc as Record<string, unknown>)[field] = METHOD_FIELDS.has(field) ? value.toUpperCase() : value;
  }
  const lookup = first(params, "VoiceCallerIdLookup");
  if (lookup !== undefined) doc.voice_caller_id_lookup = lookup.toLowerCase() === "true";
}

function ownedNumber(ctx: Context, accountSid: string, sid: string, rawPath: string): NumberDoc {
  const doc = ctx.store.get<NumberDoc>("number", sid);
  if (!doc || doc.account_sid !== accountSid) throw notFound(rawPath);
  return doc;
}

// Twilio's test-credential magic values for buying numbers.
function pickNumber(ctx: Context, params: Params): string {
  const phoneNumber = first(params, "PhoneNumber");
  const areaCode = first(params, "AreaCode");
  if (phoneNumber !== undefined) {
    if (phoneNumber === "+15005550000") throw badRequest(21422, `PhoneNumber ${phoneNumber} is not available`);
    if (phoneNumber === "+15005550001" || !isE164(phoneNumber)) throw badRequest(21421, `PhoneNumber ${phoneNumber} is invalid`);
    if (findNumber(ctx, phoneNumber)) throw badRequest(21422, `PhoneNumber ${phoneNumber} is not available`);
    return phoneNumber;
  }
  if (areaCode !== undefined) {
    if (!/^\d{3}$/.test(areaCode) || areaCode === "533") throw badRequest(21452, `No phone numbers found in area code ${areaCode}`);
    if (areaCode === "500") return "+15005550006";
    const candidate = availableNumbers(ctx, areaCode, undefined, 1)[0];
    if (!candidate) throw badRequest(21452, `No phone numbers found in area code ${areaCode}`);
    return candidate;
  }
  throw badRequest(21451, "A PhoneNumber or AreaCode is required");
}

/** Unowned `+1{area}555{01xx}` numbers: fictional by NANP rules, deterministic. */
function availableNumbers(ctx: Context, areaCode: string | undefined, contains: string | undefined, limit: number): string[] {
  const out: string[] = [];
  const area = areaCode ?? "555";
  for (let n = 100; n < 10_000 && out.length < limit; n++) {
    const candidate = `+1${area}555${String(n).padStart(4, "0")}`;
    if (contains && !candidate.includes(contains.replace(/\*/g, ""))) continue;
    if (!findNumber(ctx, candidate)) out.push(candidate);
  }
  return out;
}

const createHandler: Handler = ({ ctx, params, path, principal }) => {
  const account = assertAccess(ctx, principal, path.AccountSid!);
  const phoneNumber = pickNumber(ctx, params);
  // the magic +15005550006 is shared by every account, as with Twilio's test credentials
  if (phoneNumber === "+15005550006" && findNumber(ctx, phoneNumber)) {
    throw badRequest(21422, `PhoneNumber ${phoneNumber} is not available`);
  }
  const doc = createNumber(ctx, { accountSid: account.sid, phoneNumber });
  applySettable(doc, params);
  saveNumber(ctx, doc);
  ctx.events.emit({ type: "number.created", at: ctx.clock.now(), sid: doc.sid, phoneNumber });
  return { status: 201, body: toWire(doc) };
};

const listHandler: Handler = ({ ctx, params, path, principal, operation }) => {
  const account = assertAccess(ctx, principal, path.AccountSid!);
  const filters: Record<string, string> = {};
  const phoneNumber = first(params, "PhoneNumber");
  const friendlyName = first(params, "FriendlyName");
  if (phoneNumber !== undefined) filters.PhoneNumber = phoneNumber;
  if (friendlyName !== undefined) filters.FriendlyName = friendlyName;
  const body = pageOf(ctx.store, params, {
    kind: "number",
    path: operation.path.replace("{AccountSid}", account.sid),
    listKey: "incoming_phone_numbers",
    filters,
    query: { accountSid: account.sid, key1: phoneNumber, key2: friendlyName, order: "asc" },
  });
  return { status: 200, body };
};

function availableHandler(kind: "Local" | "Mobile" | "TollFree"): Handler {
  return ({ ctx, params, path, principal }) => {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const country = path.CountryCode!;
    if (country !== "US" && country !== "CA") throw notFound(`/2010-04-01/Accounts/${account.sid}/AvailablePhoneNumbers/${country}/${kind}.json`);
    const areaCode = first(params, "AreaCode") ?? (kind === "TollFree" ? "833" : undefined);
    const pageSize = Math.min(Number(first(params, "PageSize") ?? 30), 50);
    const numbers = areaCode === "533" ? [] : availableNumbers(ctx, areaCode, first(params, "Contains"), pageSize);
    const uri = `/2010-04-01/Accounts/${account.sid}/AvailablePhoneNumbers/${country}/${kind}.json`;
    return {
      status: 200,
      body: {
        available_phone_numbers: numbers.map((phone) => ({
          friendly_name: formatNumber(phone),
          phone_number: phone,
          lata: "722",
          locality: "Sandbox",
          rate_center: "SANDBOX",
          latitude: 37.77,
          longitude: -122.42,
          region: "CA",
          postal_code: "94105",
          iso_country: country,
          address_requirements: "none",
          beta: false,
          capabilities: { fax: false, mms: true, sms: true, voice: true },
        })),
        end: Math.max(0, numbers.length - 1),
        first_page_uri: `${uri}?PageSize=${pageSize}&Page=0`,
        next_page_uri: null,
        page: 0,
        page_size: pageSize,
        previous_page_uri: null,
        start: 0,
        uri: `${uri}?PageSize=${pageSize}&Page=0`,
      },
    };
  };
}

export const numberHandlers: Record<string, Handler> = {
  CreateIncomingPhoneNumber: createHandler,
  CreateIncomingPhoneNumberLocal: createHandler,
  CreateIncomingPhoneNumberMobile: createHandler,
  CreateIncomingPhoneNumberTollFree: createHandler,
  ListIncomingPhoneNumber: listHandler,
  ListIncomingPhoneNumberLocal: listHandler,
  ListIncomingPhoneNumberMobile: listHandler,
  ListIncomingPhoneNumberTollFree: listHandler,
  FetchIncomingPhoneNumber({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    return { status: 200, body: toWire(ownedNumber(ctx, account.sid, path.Sid!, rawPath)) };
  },
  UpdateIncomingPhoneNumber({ ctx, params, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ownedNumber(ctx, account.sid, path.Sid!, rawPath);
    applySettable(doc, params);
    // moving a number between a parent and its subaccounts is an update of AccountSid
    const target = first(params, "AccountSid");
    if (target !== undefined && target !== doc.account_sid) {
      const to = assertAccess(ctx, principal, target);
      if (to.status !== "active") throw new SandboxHttpError(400, 21404, "The target account is not active");
      doc.account_sid = to.sid;
      doc.uri = `/2010-04-01/Accounts/${to.sid}/IncomingPhoneNumbers/${doc.sid}.json`;
    }
    doc.date_updated = rfc2822(ctx.clock.now());
    saveNumber(ctx, doc);
    return { status: 200, body: toWire(doc) };
  },
  DeleteIncomingPhoneNumber({ ctx, path, principal, rawPath }) {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const doc = ownedNumber(ctx, account.sid, path.Sid!, rawPath);
    ctx.store.remove("number", doc.sid);
    return { status: 204 };
  },
  ListAvailablePhoneNumberLocal: availableHandler("Local"),
  ListAvailablePhoneNumberMobile: availableHandler("Mobile"),
  ListAvailablePhoneNumberTollFree: availableHandler("TollFree"),
};
