// Lookup v2 through real HTTP and the official twilio client: validation from libphonenumber-js,
// deterministic line type / carrier / caller name data, and SMS refused to landlines (21614).
import fc from "fast-check";
import twilio from "twilio";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadSpec } from "@twilio-kit/openapi/load";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { LINE_TYPE_MAGIC } from "../src/lookup/line-type.js";
import { LOOKUP_FIELDS } from "../src/lookup/packages.js";
import { loadPhoneNumberLibrary, parseNumber } from "../src/lookup/parse.js";
import { api } from "./helpers.js";
import { schemaProblems } from "./schema.js";

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual", startTimeMs: Date.UTC(2025, 5, 1, 12) });
});
afterAll(() => sandbox.stop());
beforeEach(() => sandbox.reset());

const SPEC = "lookups_v2";
const ROUTE = "/v2/PhoneNumbers/{PhoneNumber}";

// The official spec omits `nullable` on the packages and on their fields, yet its own examples (and
// Twilio) answer null there: a package not requested is null, and so is a value without data. The
// check accepts null exactly where it is not nullable in the schema, nowhere else.
function lookupProblems(body: unknown): string[] {
  return schemaProblems(SPEC, ROUTE, "GET", body).filter((problem) => !problem.endsWith(": null but not nullable") || /^\$\.(valid|url):/.test(problem));
}

it("the null allowance accepts every official example and nothing else", () => {
  const spec = loadSpec(SPEC) as any;
  const examples = spec.paths[ROUTE].get.responses["200"].content["application/json"].examples;
  for (const example of Object.values(examples) as Array<{ value: unknown }>) expect(lookupProblems(example.value)).toEqual([]);
  expect(lookupProblems({ ...examples.fetch.value, valid: null })).toEqual(["$.valid: null but not nullable"]);
  expect(lookupProblems({ ...examples.fetch.value, extra: 1 })).toEqual(["$.extra: not in the schema"]);
});

async function lookup(number: string, query: Record<string, string> = {}) {
  const search = new URLSearchParams(query).toString();
  const response = await api(sandbox.url, "GET", `/lookups/v2/PhoneNumbers/${encodeURIComponent(number)}${search ? `?${search}` : ""}`, {
    user: sandbox.accountSid,
    password: sandbox.authToken,
  });
  expect(response.body?.message ?? "", number).toBe("");
  expect(response.status).toBe(200);
  expect(lookupProblems(response.body)).toEqual([]);
  return response.body;
}

describe("validation", () => {
  it("validates an E.164 number with country, calling code and national format", async () => {
    const body = await lookup("+14159929960");
    expect(body).toMatchObject({
      calling_country_code: "1",
      country_code: "US",
      phone_number: "+14159929960",
      national_format: "(415) 992-9960",
      valid: true,
      validation_errors: [],
      caller_name: null,
      line_type_intelligence: null,
      url: "https://lookups.twilio.com/v2/PhoneNumbers/+14159929960",
    });
  });

  it("parses national format with CountryCode", async () => {
    const body = await lookup("020 7183 8750", { CountryCode: "GB" });
    expect(body).toMatchObject({ phone_number: "+442071838750", country_code: "GB", calling_country_code: "44", national_format: "020 7183 8750", valid: true });
  });

  it("reads a national number as North American without CountryCode", async () => {
    expect((await lookup("(415) 992-9960")).phone_number).toBe("+14159929960");
  });

  it.each([
    ["+141599299600", "TOO_LONG"],
    ["+1415", "TOO_SHORT"],
    ["+14150000000", "INVALID_BUT_POSSIBLE"],
    ["hello", "NOT_A_NUMBER"],
    ["+999123456", "INVALID_COUNTRY_CODE"],
  ])("answers 200 with valid: false for %s (%s)", async (number, error) => {
    const body = await lookup(number, { Fields: "line_type_intelligence,caller_name" });
    expect(body.valid).toBe(false);
    expect(body.validation_errors).toEqual([error]);
    expect(body.line_type_intelligence).toBeNull();
    expect(body.caller_name).toBeNull();
  });

  it("echoes an invalid E.164 number with null country data, as in Twilio's example", async () => {
    const body = await lookup("+141599299600");
    expect(body).toMatchObject({ phone_number: "+141599299600", calling_country_code: null, country_code: null, national_format: null });
  });

  it("answers INVALID_COUNTRY_CODE for national input with an unknown CountryCode", async () => {
    expect((await lookup("4159929960", { CountryCode: "ZZ" })).validation_errors).toEqual(["INVALID_COUNTRY_CODE"]);
  });

  it("treats the fictional 555 numbers the sandbox uses as valid US numbers", async () => {
    expect(await lookup("+15558675310")).toMatchObject({ valid: true, country_code: "US", national_format: "(555) 867-5310" });
  });

  it("rejects an unknown Fields value, naming it", async () => {
    const response = await api(sandbox.url, "GET", "/lookups/v2/PhoneNumbers/+14159929960?Fields=line_type,caller_name", { user: sandbox.accountSid, password: sandbox.authToken });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe(20001);
    expect(response.body.message).toContain('"line_type"');
  });

  it("needs credentials", async () => {
    const response = await api(sandbox.url, "GET", "/lookups/v2/PhoneNumbers/+14159929960", { user: sandbox.accountSid, password: "wrong" });
    expect(response.status).toBe(401);
  });
});

describe("parseNumber (property tests)", () => {
  // the sandbox loads the library in the background after listening: these call parseNumber directly
  beforeAll(() => loadPhoneNumberLibrary());
  const ERRORS = ["TOO_SHORT", "TOO_LONG", "INVALID_BUT_POSSIBLE", "INVALID_COUNTRY_CODE", "INVALID_LENGTH", "NOT_A_NUMBER"];

  it("never throws, and answers either valid with no errors or invalid with exactly one known error", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^\+?[0-9 ()-]{0,20}$/)), fc.option(fc.constantFrom("US", "GB", "DE", "FR", "ZZ", "us", ""), { nil: undefined }), (input, country) => {
        const parsed = parseNumber(input, country);
        if (parsed.valid) {
          expect(parsed.validation_errors).toEqual([]);
          expect(parsed.phone_number).toMatch(/^\+[1-9]\d{6,14}$/);
          expect(parsed.phone_number.startsWith(`+${parsed.calling_country_code}`)).toBe(true);
        } else {
          expect(parsed.validation_errors).toHaveLength(1);
          expect(ERRORS).toContain(parsed.validation_errors[0]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("reads a valid number the same in E.164 and in national format with its country", () => {
    const samples = ["+14159929960", "+442071838750", "+447400123456", "+4915112345678", "+33612345678", "+61412345678"];
    fc.assert(
      fc.property(fc.constantFrom(...samples), (e164) => {
        const international = parseNumber(e164);
        expect(international.valid).toBe(true);
        const national = parseNumber(international.national_format!, international.country_code!);
        expect(national.phone_number).toBe(e164);
        expect(national.valid).toBe(true);
      }),
    );
  });
});

describe("line type intelligence", () => {
  it.each(Object.entries(LINE_TYPE_MAGIC))("numbers ending in %s are %s", async (ending, type) => {
    const body = await lookup(`+1555867${ending}`, { Fields: "line_type_intelligence" });
    expect(body.line_type_intelligence.type).toBe(type);
  });

  it("answers owned sandbox numbers as Twilio numbers", async () => {
    const body = await lookup(sandbox.phoneNumber, { Fields: "line_type_intelligence,caller_name" });
    expect(body.line_type_intelligence).toEqual({ carrier_name: "Twilio - SMS/MMS-SVR", mobile_country_code: "311", mobile_network_code: "950", type: "nonFixedVoip", error_code: null });
    expect(body.caller_name.caller_type).toBe("BUSINESS");
  });

  it("uses the numbering plan when it knows the type: toll-free and a UK landline", async () => {
    expect((await lookup("+18005551234", { Fields: "line_type_intelligence" })).line_type_intelligence.type).toBe("tollFree");
    expect((await lookup("+442071838750", { Fields: "line_type_intelligence" })).line_type_intelligence.type).toBe("landline");
  });

  it("gives other numbers a mobile line with a carrier that is the same on every lookup", async () => {
    const a = await lookup("+14159929960", { Fields: "line_type_intelligence" });
    expect(a.line_type_intelligence.type).toBe("mobile");
    expect(a.line_type_intelligence.carrier_name).toMatch(/Verizon|T-Mobile|AT&T/);
    await sandbox.reset();
    expect((await lookup("+14159929960", { Fields: "line_type_intelligence" })).line_type_intelligence).toEqual(a.line_type_intelligence);
  });
});

describe("the seed option", () => {
  it("draws the default data from the seed: the same seed gives the same names and carriers, another seed others", async () => {
    const numbers = Array.from({ length: 8 }, (_, i) => `+1415992996${i}`);
    const profile = async (seed: string) => {
      const seeded = await startSandbox({ clock: "manual", seed });
      try {
        const answers = [];
        for (const number of numbers) {
          const response = await api(seeded.url, "GET", `/lookups/v2/PhoneNumbers/${encodeURIComponent(number)}?Fields=caller_name,line_type_intelligence`, { user: seeded.accountSid, password: seeded.authToken });
          answers.push(`${response.body.caller_name.caller_name}/${response.body.line_type_intelligence.carrier_name}`);
        }
        return answers;
      } finally {
        await seeded.stop();
      }
    };
    const a = await profile("alpha");
    expect(await profile("alpha")).toEqual(a);
    expect(await profile("beta")).not.toEqual(a);
  });
});

describe("the other packages", () => {
  it("answers every field the spec lists, schema-valid, and null for those not asked", async () => {
    const all = LOOKUP_FIELDS.join(",");
    const body = await lookup("+14159929960", { Fields: all, FirstName: "nobody", LastVerifiedDate: "20240101" });
    for (const field of LOOKUP_FIELDS) if (field !== "validation") expect(body[field], field).not.toBeNull();
    const some = await lookup("+14159929960", { Fields: "sim_swap" });
    expect(some.caller_name).toBeNull();
    expect(some.sim_swap).not.toBeNull();
  });

  it("gives a stable caller name for US numbers and no coverage elsewhere", async () => {
    const us = await lookup("+14159929960", { Fields: "caller_name" });
    expect(us.caller_name).toMatchObject({ caller_type: "CONSUMER", error_code: null });
    expect(us.caller_name.caller_name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    expect((await lookup("+14159929960", { Fields: "caller_name" })).caller_name).toEqual(us.caller_name);
    const gb = await lookup("+447400123456", { Fields: "caller_name" });
    expect(gb.caller_name).toEqual({ caller_name: null, caller_type: null, error_code: 60600 });
  });

  it("matches identity against the caller name of the number", async () => {
    const name = (await lookup("+14159929960", { Fields: "caller_name" })).caller_name.caller_name.split(" ");
    const match = await lookup("+14159929960", { Fields: "identity_match", FirstName: name[0], LastName: "Wrong" });
    expect(match.identity_match).toMatchObject({ first_name_match: "exact_match", last_name_match: "no_match", summary_score: 50, city_match: null });
  });

  it("makes numbers ending in 7011 a risky mobile: SIM swapped, forwarded, reassigned, pumping", async () => {
    const body = await lookup("+15558677011", { Fields: "sim_swap,call_forwarding,reassigned_number,sms_pumping_risk,line_type_intelligence", LastVerifiedDate: "20240101" });
    expect(body.line_type_intelligence.type).toBe("mobile");
    expect(body.sim_swap.last_sim_swap).toEqual({ last_sim_swap_date: "2025-06-01T06:00:00Z", swapped_period: "PT24H", swapped_in_period: true });
    expect(body.call_forwarding).toEqual({ call_forwarding_enabled: true, error_code: null });
    expect(body.reassigned_number).toEqual({ last_verified_date: "2024-01-01", is_number_reassigned: "yes", error_code: null });
    expect(body.sms_pumping_risk).toMatchObject({ carrier_risk_category: "high", number_blocked: true });
    const calm = await lookup("+14159929960", { Fields: "sim_swap,call_forwarding", LastVerifiedDate: "20240101" });
    expect(calm.sim_swap.last_sim_swap.swapped_in_period).toBe(false);
    expect(calm.call_forwarding.call_forwarding_enabled).toBe(false);
  });
});

describe("SMS to a landline", () => {
  const send = (to: string) =>
    api(sandbox.url, "POST", `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, {
      user: sandbox.accountSid,
      password: sandbox.authToken,
      form: { To: to, From: sandbox.phoneNumber, Body: "Hi" },
    });

  it("is refused with 21614, like the landline Lookup reports", async () => {
    const landline = "+15558677001";
    expect((await lookup(landline, { Fields: "line_type_intelligence" })).line_type_intelligence.type).toBe("landline");
    const refused = await send(landline);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe(21614);
    expect((await send("+442071838750")).body.code).toBe(21614);
  });

  it("goes through to mobile and VoIP lines", async () => {
    expect((await send("+15558677000")).status).toBe(201);
    expect((await send("+15558677003")).status).toBe(201);
  });
});

describe("the official twilio client", () => {
  it("looks up a number with fields and an invalid one", async () => {
    const inner = new twilio.RequestClient();
    const httpClient = {
      request: (opts: any) => inner.request({ ...opts, uri: String(opts.uri).replace(/^https:\/\/([a-z0-9-]+)\.twilio\.com/, `${sandbox.url}/$1`) }),
    };
    const client = twilio(sandbox.accountSid, sandbox.authToken, { httpClient: httpClient as never });
    const found = await client.lookups.v2.phoneNumbers("+15558677001").fetch({ fields: "line_type_intelligence,caller_name" });
    expect(found.valid).toBe(true);
    expect(found.countryCode).toBe("US");
    expect(found.lineTypeIntelligence).toMatchObject({ type: "landline" });
    const national = await client.lookups.v2.phoneNumbers("020 7183 8750").fetch({ countryCode: "GB" });
    expect(national.phoneNumber).toBe("+442071838750");
    const invalid = await client.lookups.v2.phoneNumbers("+141599299600").fetch();
    expect(invalid.valid).toBe(false);
    expect(invalid.validationErrors).toEqual(["TOO_LONG"]);
  });
});
