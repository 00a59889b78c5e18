// Phone number validation for Lookup v2: parsing, validity, country, calling code and national format
// come from libphonenumber-js (the maintained port of Google's libphonenumber), with its full metadata
// ("max"), which is what tells a valid number from a merely possible one. Its metadata is large: it
// is imported in the background once the server listens (`loadPhoneNumberLibrary`), never at start.
import type { CountryCode, NumberType } from "libphonenumber-js/max";

type PhoneNumberLibrary = typeof import("libphonenumber-js/max");
let library: PhoneNumberLibrary | undefined;
let loading: Promise<void> | undefined;

/** Whether libphonenumber-js is loaded (then `parseNumber` can run; no need to await the load). */
export function isPhoneNumberLibraryLoaded(): boolean {
  return library !== undefined;
}

/**
 * Imports libphonenumber-js once; every caller shares the same load. A failed import is retried by
 * the next call. @throws the import's error
 */
export function loadPhoneNumberLibrary(): Promise<void> {
  loading ??= import("libphonenumber-js/max").then(
    (loaded) => {
      library = loaded;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** Lookup's `validation_errors` values. */
export type ValidationError = "TOO_SHORT" | "TOO_LONG" | "INVALID_BUT_POSSIBLE" | "INVALID_COUNTRY_CODE" | "INVALID_LENGTH" | "NOT_A_NUMBER";

/** The validation part of a Lookup answer, plus the number type libphonenumber knows for it. */
export interface ParsedNumber {
  /** E.164 when the number parsed, else the input as given. */
  phone_number: string;
  valid: boolean;
  validation_errors: ValidationError[];
  calling_country_code: string | null;
  country_code: string | null;
  national_format: string | null;
  /** libphonenumber's type of a valid number (`FIXED_LINE`, `TOLL_FREE`, …), when it knows one. */
  numberType?: NumberType;
}

const LENGTH_ERRORS: Record<string, ValidationError> = {
  TOO_SHORT: "TOO_SHORT",
  TOO_LONG: "TOO_LONG",
  INVALID_LENGTH: "INVALID_LENGTH",
  INVALID_COUNTRY: "INVALID_COUNTRY_CODE",
  NOT_A_NUMBER: "NOT_A_NUMBER",
};

// NANP numbers in area code 555 or with the 555 exchange are fictional: libphonenumber rejects them,
// but they are the numbers every sandbox example uses (the default number +15555550100 among them),
// so they count as valid US numbers here.
const FICTIONAL_NANP = /^(?:555[2-9]\d{6}|[2-9]\d{2}555\d{4})$/;

function invalid(phoneNumber: string, error: ValidationError): ParsedNumber {
  return { phone_number: phoneNumber, valid: false, validation_errors: [error], calling_country_code: null, country_code: null, national_format: null };
}

/**
 * Validates a number as Lookup does: E.164 input, or national format in `countryCode`'s numbering
 * plan (default US, Twilio's default of +1). An invalid number is a result, not an error.
 * @throws Error when called before `loadPhoneNumberLibrary()` resolved (a sandbox bug, not bad input)
 */
export function parseNumber(input: string, countryCode?: string): ParsedNumber {
  if (!library) throw new Error("[@twilio-kit/sandbox] parseNumber() before loadPhoneNumberLibrary() resolved");
  const { isSupportedCountry, parsePhoneNumberWithError, validatePhoneNumberLength } = library;
  const trimmed = input.trim();
  const isInternational = trimmed.startsWith("+");
  const country = (countryCode ?? "US").toUpperCase();
  if (!isInternational && !isSupportedCountry(country)) return invalid(trimmed, "INVALID_COUNTRY_CODE");
  const defaultCountry = isInternational ? undefined : (country as CountryCode);
  const lengthError = validatePhoneNumberLength(trimmed, defaultCountry);
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(trimmed, defaultCountry);
  } catch (error) {
    return invalid(trimmed, LENGTH_ERRORS[(error as Error).message] ?? "NOT_A_NUMBER");
  }
  const e164 = `+${parsed.countryCallingCode}${parsed.nationalNumber}`;
  if (lengthError !== undefined) return invalid(e164, LENGTH_ERRORS[lengthError] ?? "INVALID_LENGTH");
  const isReal = parsed.isValid();
  const isFictional = !isReal && parsed.countryCallingCode === "1" && FICTIONAL_NANP.test(parsed.nationalNumber);
  const isValid = isReal || isFictional;
  const result: ParsedNumber = {
    phone_number: e164,
    valid: isValid,
    validation_errors: isValid ? [] : ["INVALID_BUT_POSSIBLE"],
    calling_country_code: parsed.countryCallingCode,
    country_code: parsed.country ?? (isFictional ? "US" : null),
    national_format: parsed.formatNational(),
  };
  const numberType = isReal ? parsed.getType() : undefined;
  if (numberType !== undefined) result.numberType = numberType;
  return result;
}
