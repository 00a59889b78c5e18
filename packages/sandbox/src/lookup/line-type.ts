// Line type and carrier of a number: deterministic sandbox data, shared by Lookup's
// line_type_intelligence and by Messages (which refuses SMS to a landline with 21614, like Twilio).
import { createHash } from "node:crypto";
import type { Context } from "../engine/context.js";
import { findNumber } from "../numbers/number.js";
import { parseNumber, type ParsedNumber } from "./parse.js";

/** Lookup's line types (`line_type_intelligence.type`). */
export type LineType =
  | "mobile"
  | "landline"
  | "fixedVoip"
  | "nonFixedVoip"
  | "tollFree"
  | "premium"
  | "sharedCost"
  | "uan"
  | "voicemail"
  | "pager"
  | "personal"
  | "unknown";

/** A number's line: its type and the carrier that serves it. */
export interface Line {
  type: LineType;
  carrier_name: string | null;
  mobile_country_code: string | null;
  mobile_network_code: string | null;
  /** An IncomingPhoneNumber of the sandbox (any account): it answers as a Twilio number. */
  isTwilioNumber: boolean;
}

/**
 * Magic endings: the last four digits of any valid number select its line type (documented in the
 * README), e.g. `+15558677001` is a landline. Other numbers are mobile unless their numbering plan
 * says otherwise (toll-free ranges, a UK landline, …).
 */
export const LINE_TYPE_MAGIC: Readonly<Record<string, LineType>> = {
  "7000": "mobile",
  "7001": "landline",
  "7002": "fixedVoip",
  "7003": "nonFixedVoip",
  "7004": "tollFree",
  "7005": "premium",
  "7006": "sharedCost",
  "7007": "uan",
  "7008": "voicemail",
  "7009": "pager",
  "7010": "personal",
  "7099": "unknown",
};

// Twilio's magic test number for 21614 ("not a valid mobile number") is a landline in Lookup too.
const MAGIC_LANDLINES = new Set(["+15005550009"]);

const BY_NUMBER_TYPE: Record<string, LineType> = {
  MOBILE: "mobile",
  FIXED_LINE: "landline",
  FIXED_LINE_OR_MOBILE: "mobile",
  TOLL_FREE: "tollFree",
  PREMIUM_RATE: "premium",
  SHARED_COST: "sharedCost",
  VOIP: "fixedVoip",
  PERSONAL_NUMBER: "personal",
  PAGER: "pager",
  UAN: "uan",
  VOICEMAIL: "voicemail",
};

// Carriers of the default data, chosen by a hash of the number and the `seed` option (stable across
// runs and restarts; another seed gives other, equally stable, data).
const US_MOBILE_CARRIERS: ReadonlyArray<[string, string, string]> = [
  ["Verizon Wireless", "311", "480"],
  ["T-Mobile USA, Inc.", "310", "260"],
  ["AT&T Wireless", "310", "410"],
];

/** A stable 32-bit value of a number, a purpose and the seed: the source of all default Lookup data. */
export function numberHash(seed: string | undefined, phoneNumber: string, purpose: string): number {
  return createHash("sha1").update(`${seed ?? ""}:${purpose}:${phoneNumber}`).digest().readUInt32BE(0);
}

function typeOf(ctx: Context, parsed: ParsedNumber): { type: LineType; isTwilioNumber: boolean } {
  const e164 = parsed.phone_number;
  if (findNumber(ctx, e164)) return { type: "nonFixedVoip", isTwilioNumber: true };
  if (MAGIC_LANDLINES.has(e164)) return { type: "landline", isTwilioNumber: false };
  const magic = LINE_TYPE_MAGIC[e164.slice(-4)];
  if (magic) return { type: magic, isTwilioNumber: false };
  return { type: (parsed.numberType && BY_NUMBER_TYPE[parsed.numberType]) ?? "mobile", isTwilioNumber: false };
}

/** The line of a valid number (see {@link LINE_TYPE_MAGIC}). */
export function lineOf(ctx: Context, parsed: ParsedNumber): Line {
  const { type, isTwilioNumber } = typeOf(ctx, parsed);
  if (isTwilioNumber) {
    return { type, carrier_name: "Twilio - SMS/MMS-SVR", mobile_country_code: "311", mobile_network_code: "950", isTwilioNumber };
  }
  const isUs = parsed.country_code === "US";
  if (type === "mobile" && isUs) {
    const [name, mcc, mnc] = US_MOBILE_CARRIERS[numberHash(ctx.seed, parsed.phone_number, "carrier") % US_MOBILE_CARRIERS.length]!;
    return { type, carrier_name: name, mobile_country_code: mcc, mobile_network_code: mnc, isTwilioNumber };
  }
  // outside the mobile networks there is no MCC/MNC (Twilio answers null for them too)
  const region = parsed.country_code ?? "intl";
  const carrier = type === "mobile" ? `Sandbox Mobile (${region})` : type === "unknown" ? null : `Sandbox Telecom (${region})`;
  return { type, carrier_name: carrier, mobile_country_code: null, mobile_network_code: null, isTwilioNumber };
}

// Message creates ask for every destination: a bounded cache keeps libphonenumber off the hot path.
const LANDLINE_CACHE_LIMIT = 2048;
const landlineCache = new Map<string, boolean>();

/** Whether SMS to this E.164 number is refused because Lookup calls it a landline (21614). */
export function isLandline(ctx: Context, e164: string): boolean {
  if (findNumber(ctx, e164)) return false;
  let cached = landlineCache.get(e164);
  if (cached === undefined) {
    const parsed = parseNumber(e164);
    cached = parsed.valid && typeOf(ctx, parsed).type === "landline";
    if (landlineCache.size >= LANDLINE_CACHE_LIMIT) landlineCache.clear();
    landlineCache.set(e164, cached);
  }
  return cached;
}
