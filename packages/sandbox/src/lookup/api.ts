// Lookup v2 (`GET /v2/PhoneNumbers/{PhoneNumber}` on lookups): validation for every number, and the
// data packages asked for in `Fields`. An invalid number is a 200 with `valid: false`, as at Twilio.
import { assertAccess } from "../accounts/auth.js";
import { first } from "../engine/util.js";
import { badRequest, INVALID_PARAMETER } from "../http/errors.js";
import type { Handler } from "../http/handler.js";
import { lineOf } from "./line-type.js";
import { LOOKUP_FIELDS, packageOf, type LookupField } from "./packages.js";
import { isPhoneNumberLibraryLoaded, loadPhoneNumberLibrary, parseNumber } from "./parse.js";

const ORIGIN = "https://lookups.twilio.com";
// the identity_match and reassigned_number inputs, passed through to the packages
const INPUTS = ["FirstName", "LastName", "AddressLine1", "AddressLine2", "City", "State", "PostalCode", "AddressCountryCode", "NationalId", "DateOfBirth", "LastVerifiedDate", "VerificationSid", "PartnerSubId"];
const MAX_INPUT_LENGTH = 64;

/**
 * Parses `Fields`: comma-separated, case-insensitive, duplicates ignored.
 * @throws SandboxHttpError 400 (20001) naming an unknown field
 */
function parseFields(value: string | undefined): Set<LookupField> {
  const fields = new Set<LookupField>();
  if (value === undefined) return fields;
  for (const raw of value.split(",")) {
    const name = raw.trim().toLowerCase();
    if (name === "") continue;
    if (!(LOOKUP_FIELDS as readonly string[]).includes(name)) {
      throw badRequest(INVALID_PARAMETER, `Invalid Fields value ${JSON.stringify(raw.trim().slice(0, 40))}: expected a comma-separated list of ${LOOKUP_FIELDS.join(", ")}`);
    }
    fields.add(name as LookupField);
  }
  return fields;
}

export const lookupHandlers: Record<string, Handler> = {
  async FetchPhoneNumber({ ctx, params, path, principal }) {
    assertAccess(ctx, principal, principal.accountSid);
    const input = path.PhoneNumber ?? "";
    if (input.length > MAX_INPUT_LENGTH) throw badRequest(INVALID_PARAMETER, `PhoneNumber is longer than ${MAX_INPUT_LENGTH} characters`);
    const fields = parseFields(first(params, "Fields"));
    const query: Record<string, string | undefined> = {};
    for (const name of INPUTS) {
      const value = first(params, name);
      if (value !== undefined && value.length > 256) throw badRequest(INVALID_PARAMETER, `${name} is longer than 256 characters`);
      query[name] = value;
    }
    if (!isPhoneNumberLibraryLoaded()) await loadPhoneNumberLibrary();
    const parsed = parseNumber(input, first(params, "CountryCode"));
    const body: Record<string, unknown> = {
      calling_country_code: parsed.calling_country_code,
      country_code: parsed.country_code,
      phone_number: parsed.phone_number,
      national_format: parsed.national_format,
      valid: parsed.valid,
      validation_errors: parsed.validation_errors,
    };
    const line = parsed.valid ? lineOf(ctx, parsed) : undefined;
    for (const field of LOOKUP_FIELDS) {
      if (field === "validation") continue;
      // packages are looked up for valid numbers only; the others stay null, as when not requested
      body[field] = line && fields.has(field) ? packageOf(field, { parsed, line, nowMs: ctx.clock.now(), seed: ctx.seed, query }) : null;
    }
    body.url = `${ORIGIN}/v2/PhoneNumbers/${encodeURIComponent(parsed.phone_number).replace(/%2B/g, "+")}`;
    return { status: 200, body };
  },
};
