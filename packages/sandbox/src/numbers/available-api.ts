// AvailablePhoneNumbers search (fictional, deterministic numbers) and the choice of a number to buy.
import { assertAccess } from "../accounts/auth.js";
import type { Context } from "../engine/context.js";
import { first, formatNumber, isE164, type Params } from "../engine/util.js";
import { pageParams } from "../engine/page-params.js";
import { badRequest, INVALID_PARAMETER, notFound } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import { findNumber } from "./number.js";

// Twilio's test-credential magic values for buying numbers.
/**
 * The number a purchase asks for (`PhoneNumber`, or the first free one of `AreaCode`), with Twilio's test-credential magic.
 * @throws SandboxHttpError 400: 21421 invalid, 21422 unavailable, 21451 neither given, 21452 none in the area code
 */
export function pickNumber(ctx: Context, params: Params): string {
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
export function availableNumbers(ctx: Context, areaCode: string | undefined, contains: string | undefined, limit: number): string[] {
  const out: string[] = [];
  const area = areaCode ?? "555";
  for (let n = 100; n < 10_000 && out.length < limit; n++) {
    const candidate = `+1${area}555${String(n).padStart(4, "0")}`;
    if (contains && !candidate.includes(contains.replace(/\*/g, ""))) continue;
    if (!findNumber(ctx, candidate)) out.push(candidate);
  }
  return out;
}

/** The search handler of one AvailablePhoneNumbers type. */
export function availableHandler(kind: "Local" | "Mobile" | "TollFree"): Handler {
  return ({ ctx, params, path, principal }) => {
    const account = assertAccess(ctx, principal, path.AccountSid!);
    const country = path.CountryCode!;
    if (country !== "US" && country !== "CA") throw notFound(`/2010-04-01/Accounts/${account.sid}/AvailablePhoneNumbers/${country}/${kind}.json`);
    const areaCode = first(params, "AreaCode") ?? (kind === "TollFree" ? "833" : undefined);
    // the shared Page/PageSize check (400 when out of range); a search page holds at most 50 numbers
    const pageSize = Math.min(pageParams(params, INVALID_PARAMETER, 30).pageSize, 50);
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

/** Handlers of the AvailablePhoneNumbers searches. */
export const availableNumberHandlers: Record<string, Handler> = {
  ListAvailablePhoneNumberLocal: availableHandler("Local"),
  ListAvailablePhoneNumberMobile: availableHandler("Mobile"),
  ListAvailablePhoneNumberTollFree: availableHandler("TollFree"),
};
