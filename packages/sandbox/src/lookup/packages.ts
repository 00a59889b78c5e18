// The data packages of a Lookup v2 answer (`Fields`), as deterministic sandbox data: the same number
// always gets the same name, carrier and scores. Magic ending 7011 is a risky mobile (recent SIM swap,
// call forwarding on, reassigned, blocked for SMS pumping), for testing fraud checks.
import { iso8601 } from "../engine/util.js";
import type { Line } from "./line-type.js";
import { numberHash } from "./line-type.js";
import type { ParsedNumber } from "./parse.js";

/** Every value of `Fields` the spec lists, in the order of the answer's properties. */
export const LOOKUP_FIELDS = [
  "validation",
  "caller_name",
  "sim_swap",
  "call_forwarding",
  "line_type_intelligence",
  "line_status",
  "identity_match",
  "reassigned_number",
  "sms_pumping_risk",
  "phone_number_quality_score",
  "pre_fill",
] as const;

/** One value of `Fields`. */
export type LookupField = (typeof LOOKUP_FIELDS)[number];

/** What the packages are computed from. */
export interface PackageInput {
  parsed: ParsedNumber;
  line: Line;
  nowMs: number;
  /** The sandbox's `seed` option. */
  seed: string | undefined;
  /** Query params of the request (identity_match and reassigned_number inputs). */
  query: Record<string, string | undefined>;
}

// Twilio's code when a package has no data for a number (e.g. CNAM outside the US).
const NO_COVERAGE = 60600;
const FIRST_NAMES = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn"];
const LAST_NAMES = ["Rivera", "Chen", "Okafor", "Novak", "Silva", "Haddad", "Kowalski", "Nakamura", "Larsen", "Moreau"];
const STREETS = ["Main Street", "Oak Avenue", "Pine Road", "Maple Drive", "Cedar Lane"];

/** The person the sandbox says owns a number: stable per number. */
export function personOf(seed: string | undefined, phoneNumber: string): { first: string; last: string; street: string; postalCode: string } {
  const hash = numberHash(seed, phoneNumber, "person");
  return {
    first: FIRST_NAMES[hash % FIRST_NAMES.length]!,
    last: LAST_NAMES[Math.floor(hash / 16) % LAST_NAMES.length]!,
    street: `${100 + (hash % 900)} ${STREETS[Math.floor(hash / 256) % STREETS.length]}`,
    postalCode: String(10_000 + (hash % 89_999)),
  };
}

const isRisky = (input: PackageInput) => input.parsed.phone_number.endsWith("7011");
const isMobile = (input: PackageInput) => input.line.type === "mobile";
const carrierOf = (line: Line) => ({ carrier_name: line.carrier_name, mobile_country_code: line.mobile_country_code, mobile_network_code: line.mobile_network_code });

function callerName(input: PackageInput): Record<string, unknown> {
  if (input.parsed.country_code !== "US") return { caller_name: null, caller_type: null, error_code: NO_COVERAGE };
  if (input.line.isTwilioNumber) return { caller_name: "TWILIO SANDBOX", caller_type: "BUSINESS", error_code: null };
  const person = personOf(input.seed, input.parsed.phone_number);
  const isBusiness = input.line.type === "tollFree" || input.line.type === "premium" || input.line.type === "sharedCost";
  return isBusiness
    ? { caller_name: `${person.last.toUpperCase()} SUPPLY CO`, caller_type: "BUSINESS", error_code: null }
    : { caller_name: `${person.first} ${person.last}`, caller_type: "CONSUMER", error_code: null };
}

function simSwap(input: PackageInput): Record<string, unknown> {
  if (!isMobile(input)) return { last_sim_swap: null, carrier_name: null, mobile_country_code: null, mobile_network_code: null, error_code: NO_COVERAGE };
  const swapped = isRisky(input);
  return {
    last_sim_swap: {
      last_sim_swap_date: swapped ? iso8601(input.nowMs - 6 * 3_600_000) : null,
      swapped_period: "PT24H",
      swapped_in_period: swapped,
    },
    ...carrierOf(input.line),
    error_code: null,
  };
}

function identityMatch(input: PackageInput): Record<string, unknown> {
  const person = personOf(input.seed, input.parsed.phone_number);
  const { query } = input;
  // a name compares with the sandbox person of the number; other inputs have no sandbox data
  const compare = (given: string | undefined, known: string) => (given === undefined ? null : given.trim().toLowerCase() === known.toLowerCase() ? "exact_match" : "no_match");
  const first = compare(query.FirstName, person.first);
  const last = compare(query.LastName, person.last);
  const other = (name: string) => (query[name] === undefined ? null : "no_data_available");
  const given = [first, last].filter((value) => value !== null);
  const score = given.length === 0 ? 0 : Math.round((100 * given.filter((value) => value === "exact_match").length) / given.length);
  return {
    first_name_match: first,
    last_name_match: last,
    address_lines_match: other("AddressLine1"),
    city_match: other("City"),
    state_match: other("State"),
    postal_code_match: other("PostalCode"),
    address_country_match: other("AddressCountryCode"),
    national_id_match: other("NationalId"),
    date_of_birth_match: other("DateOfBirth"),
    summary_score: score,
    error_code: null,
    error_message: null,
  };
}

function reassignedNumber(input: PackageInput): Record<string, unknown> {
  if (input.parsed.country_code !== "US") return { last_verified_date: null, is_number_reassigned: null, error_code: String(NO_COVERAGE) };
  const date = input.query.LastVerifiedDate;
  // LastVerifiedDate is YYYYMMDD; it is echoed as YYYY-MM-DD
  if (date === undefined || !/^\d{8}$/.test(date)) return { last_verified_date: null, is_number_reassigned: "no_data_available", error_code: null };
  return { last_verified_date: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}`, is_number_reassigned: isRisky(input) ? "yes" : "no", error_code: null };
}

function smsPumpingRisk(input: PackageInput): Record<string, unknown> {
  const risky = isRisky(input);
  const score = risky ? 95 : numberHash(input.seed, input.parsed.phone_number, "pumping") % 40;
  return {
    carrier_risk_category: risky ? "high" : score < 20 ? "low" : "moderate",
    number_blocked: risky,
    number_blocked_date: risky ? iso8601(input.nowMs - 86_400_000) : null,
    number_blocked_last_3_months: risky,
    sms_pumping_risk_score: score,
    error_code: null,
  };
}

function qualityScore(input: PackageInput): Record<string, unknown> {
  const risky = isRisky(input);
  const category = (score: number) => (score < 34 ? "low" : score < 67 ? "moderate" : "high");
  const carrier = risky ? 80 : numberHash(input.seed, input.parsed.phone_number, "carrier-risk") % 30;
  const disposable = input.line.type === "nonFixedVoip" && !input.line.isTwilioNumber ? 70 : numberHash(input.seed, input.parsed.phone_number, "disposable") % 30;
  const velocity = risky ? 90 : 0;
  const quality = Math.max(0, 100 - Math.max(carrier, disposable, velocity));
  return {
    carrier_risk_score: carrier,
    carrier_risk_category: category(carrier),
    disposable_phone_risk_score: disposable,
    disposable_phone_risk_category: category(disposable),
    quality_score: quality,
    quality_category: category(quality),
    velocity_risk_score: velocity,
    velocity_risk_category: category(velocity),
    error_code: null,
  };
}

function preFill(input: PackageInput): Record<string, unknown> {
  if (input.parsed.country_code !== "US" || !isMobile(input)) {
    return { first_name: null, last_name: null, address_line: null, country_code: null, state: null, postal_code: null, error_code: NO_COVERAGE };
  }
  const person = personOf(input.seed, input.parsed.phone_number);
  return { first_name: person.first, last_name: person.last, address_line: person.street, country_code: "US", state: "CA", postal_code: person.postalCode, error_code: null };
}

/** The package of one field for a valid number (`validation` has none: it is always part of the answer). */
export function packageOf(field: Exclude<LookupField, "validation">, input: PackageInput): Record<string, unknown> {
  switch (field) {
    case "caller_name":
      return callerName(input);
    case "sim_swap":
      return simSwap(input);
    case "call_forwarding":
      return isMobile(input) ? { call_forwarding_enabled: isRisky(input), error_code: null } : { call_forwarding_enabled: null, error_code: NO_COVERAGE };
    case "line_status":
      return { status: input.line.type === "unknown" ? "unreachable" : "active", error_code: null };
    case "line_type_intelligence":
      return { ...carrierOf(input.line), type: input.line.type, error_code: null };
    case "identity_match":
      return identityMatch(input);
    case "reassigned_number":
      return reassignedNumber(input);
    case "sms_pumping_risk":
      return smsPumpingRisk(input);
    case "phone_number_quality_score":
      return qualityScore(input);
    case "pre_fill":
      return preFill(input);
  }
}
