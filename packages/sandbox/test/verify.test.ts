// Verify v2 through real HTTP: services, verifications and checks with Twilio's lifecycle rules,
// every success response checked against the official schema, plus the official twilio client.
import fc from "fast-check";
import twilio from "twilio";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type SandboxEvent, type SandboxHandle } from "../src/index.js";
import { api, control } from "./helpers.js";
import { schemaProblems } from "./schema.js";

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterAll(() => sandbox.stop());
beforeEach(() => sandbox.reset());

const SPEC = "verify_v2";
const TO = "+15558675310";

function call(method: string, path: string, form?: Record<string, string>, auth = { user: sandbox.accountSid, password: sandbox.authToken }) {
  return api(sandbox.url, method, `/verify${path}`, { ...auth, form });
}

/** Calls and asserts the status and, for a success, that the body matches the official schema. */
async function ok(method: string, specPath: string, path: string, status: number, form?: Record<string, string>) {
  const response = await call(method, path, form);
  expect(response.body?.message ?? "", `${method} ${path}`).toBe("");
  expect(response.status).toBe(status);
  if (response.body !== undefined) expect(schemaProblems(SPEC, specPath, method, response.body)).toEqual([]);
  return response.body;
}

async function createService(form: Record<string, string> = { FriendlyName: "My App" }) {
  return ok("POST", "/v2/Services", "/v2/Services", 201, form);
}

function startVerification(serviceSid: string, form: Record<string, string>) {
  return ok("POST", "/v2/Services/{ServiceSid}/Verifications", `/v2/Services/${serviceSid}/Verifications`, 201, form);
}

function check(serviceSid: string, form: Record<string, string>) {
  return call("POST", `/v2/Services/${serviceSid}/VerificationCheck`, form);
}

function expectCheckSchema(body: unknown) {
  expect(schemaProblems(SPEC, "/v2/Services/{ServiceSid}/VerificationCheck", "POST", body)).toEqual([]);
}

describe("Verify services", () => {
  it("creates a service with Twilio's defaults, url and links", async () => {
    const service = await createService();
    expect(service.sid).toMatch(/^VA[0-9a-f]{32}$/);
    expect(service.account_sid).toBe(sandbox.accountSid);
    expect(service.code_length).toBe(6);
    expect(service.date_created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(service.url).toBe(`https://verify.twilio.com/v2/Services/${service.sid}`);
    expect(service.links.verifications).toBe(`https://verify.twilio.com/v2/Services/${service.sid}/Verifications`);
    expect(service.links.verification_checks).toBe(`https://verify.twilio.com/v2/Services/${service.sid}/VerificationCheck`);
    expect(service.totp.issuer).toBe("My App");
  });

  it("fetches, lists with the meta envelope, updates and deletes a service", async () => {
    const a = await createService({ FriendlyName: "A", CodeLength: "8", LookupEnabled: "true", "Totp.TimeStep": "45" });
    expect(a.code_length).toBe(8);
    expect(a.lookup_enabled).toBe(true);
    expect(a.totp.time_step).toBe(45);
    await createService({ FriendlyName: "B" });
    const fetched = await ok("GET", "/v2/Services/{Sid}", `/v2/Services/${a.sid}`, 200);
    expect(fetched).toEqual(a);
    const page = await ok("GET", "/v2/Services", "/v2/Services?PageSize=1", 200);
    expect(page.services.map((s: { friendly_name: string }) => s.friendly_name)).toEqual(["A"]);
    expect(page.meta.key).toBe("services");
    expect(page.meta.next_page_url).toMatch(/^https:\/\/verify\.twilio\.com\/v2\/Services\?/);
    await sandbox.advance(5_000);
    const updated = await ok("POST", "/v2/Services/{Sid}", `/v2/Services/${a.sid}`, 200, { FriendlyName: "A2", CodeLength: "4", CustomCodeEnabled: "true" });
    expect(updated).toMatchObject({ friendly_name: "A2", code_length: 4, custom_code_enabled: true });
    expect(updated.date_updated).not.toBe(updated.date_created);
    expect((await call("DELETE", `/v2/Services/${a.sid}`)).status).toBe(204);
    expect((await call("GET", `/v2/Services/${a.sid}`)).body).toMatchObject({ status: 404, code: 20404 });
  });

  it("rejects bad service input with 60200", async () => {
    const forms: Array<Record<string, string>> = [{}, { FriendlyName: "x", CodeLength: "3" }, { FriendlyName: "x", CodeLength: "11" }, { FriendlyName: "x", CodeLength: "six" }, { FriendlyName: "x", LookupEnabled: "yes" }, { FriendlyName: "x".repeat(33) }, { FriendlyName: "x", "Push.ApnCredentialSid": "CRnope" }];
    for (const form of forms) {
      const response = await call("POST", "/v2/Services", form);
      expect(response.status, JSON.stringify(form)).toBe(400);
      expect(response.body).toMatchObject({ code: 60200, status: 400, more_info: "https://www.twilio.com/docs/errors/60200" });
    }
  });

  it("keeps services to their account", async () => {
    const other = { sid: `AC${"b".repeat(32)}`, authToken: "b".repeat(32) };
    expect((await control(sandbox.url, "POST", "/seed", { accounts: [other] })).status).toBe(201);
    const mine = await createService();
    const as = { user: other.sid, password: other.authToken };
    expect((await call("GET", `/v2/Services/${mine.sid}`, undefined, as)).status).toBe(404);
    expect((await call("POST", `/v2/Services/${mine.sid}`, { FriendlyName: "stolen" }, as)).status).toBe(404);
    expect((await call("DELETE", `/v2/Services/${mine.sid}`, undefined, as)).status).toBe(404);
    expect((await call("POST", `/v2/Services/${mine.sid}/Verifications`, { To: TO, Channel: "sms" }, as)).status).toBe(404);
    expect((await call("GET", "/v2/Services", undefined, as)).body.services).toEqual([]);
    expect((await call("GET", "/v2/Services", undefined, { user: sandbox.accountSid, password: "wrong".padEnd(32, "x") })).body).toMatchObject({ status: 401, code: 20003 });
  });
});

describe("Verify verifications and checks", () => {
  it("starts a pending verification, approves the right code and forgets it afterwards", async () => {
    const service = await createService();
    const events: SandboxEvent[] = [];
    const off = sandbox.onEvent((event) => {
      if (event.type === "verify.code") events.push(event);
    });
    const verification = await startVerification(service.sid, { To: TO, Channel: "sms" });
    off();
    expect(verification).toMatchObject({ status: "pending", valid: false, to: TO, channel: "sms", service_sid: service.sid });
    expect(verification.sid).toMatch(/^VE[0-9a-f]{32}$/);
    expect(verification.url).toBe(`https://verify.twilio.com/v2/Services/${service.sid}/Verifications/${verification.sid}`);
    expect(verification.send_code_attempts).toHaveLength(1);
    expect(verification.send_code_attempts[0]).toMatchObject({ channel: "sms", attempt_sid: expect.stringMatching(/^VL/) });
    // the code is never part of a Verify response
    const code = sandbox.verificationCode(TO)!;
    expect(code).toMatch(/^\d{6}$/);
    expect(JSON.stringify(verification)).not.toContain(code);
    expect(events).toEqual([expect.objectContaining({ to: TO, channel: "sms", code, serviceSid: service.sid, verificationSid: verification.sid })]);
    const fromControl = await control(sandbox.url, "GET", `/verify/codes?To=${encodeURIComponent(TO)}`);
    expect(fromControl.body.codes).toEqual([expect.objectContaining({ code, verificationSid: verification.sid, status: "pending" })]);

    const fetched = await ok("GET", "/v2/Services/{ServiceSid}/Verifications/{Sid}", `/v2/Services/${service.sid}/Verifications/${verification.sid}`, 200);
    expect(fetched.status).toBe("pending");
    const approved = await check(service.sid, { To: TO, Code: code });
    expect(approved.status).toBe(200);
    expectCheckSchema(approved.body);
    expect(approved.body).toMatchObject({ sid: verification.sid, status: "approved", valid: true });
    // approved verifications are gone from the API, as Twilio deletes them
    expect((await check(service.sid, { To: TO, Code: code })).body).toMatchObject({ status: 404, code: 20404 });
    expect((await call("GET", `/v2/Services/${service.sid}/Verifications/${verification.sid}`)).status).toBe(404);
    expect((await control(sandbox.url, "GET", `/verify/codes?VerificationSid=${verification.sid}`)).body.codes[0].status).toBe("approved");
  });

  it("answers a wrong code with pending, and 60202 after 5 wrong checks", async () => {
    const service = await createService({ FriendlyName: "Checks", CodeLength: "4" });
    const verification = await startVerification(service.sid, { To: TO, Channel: "call" });
    const code = sandbox.verificationCode(TO, service.sid)!;
    expect(code).toMatch(/^\d{4}$/);
    const wrong = code === "0000" ? "1111" : "0000";
    for (let i = 0; i < 5; i++) {
      const response = await check(service.sid, { VerificationSid: verification.sid, Code: wrong });
      expect(response.status).toBe(200);
      expectCheckSchema(response.body);
      expect(response.body).toMatchObject({ status: "pending", valid: false, channel: "call" });
    }
    const blocked = await check(service.sid, { VerificationSid: verification.sid, Code: code });
    expect(blocked.body).toMatchObject({ status: 429, code: 60202, message: "Max check attempts reached" });
    expect((await check(service.sid, { To: TO, Code: code })).status).toBe(404);
    // a new verification starts afresh
    const next = await startVerification(service.sid, { To: TO, Channel: "sms" });
    expect(next.sid).not.toBe(verification.sid);
  });

  it("reuses the pending verification for resends and limits sends to 5 in 10 minutes", async () => {
    const service = await createService();
    const first = await startVerification(service.sid, { To: TO, Channel: "sms" });
    const code = sandbox.verificationCode(TO);
    await sandbox.advance(30_000);
    const second = await startVerification(service.sid, { To: TO, Channel: "whatsapp" });
    expect(second.sid).toBe(first.sid);
    expect(second.channel).toBe("whatsapp");
    expect(second.send_code_attempts.map((attempt: { channel: string }) => attempt.channel)).toEqual(["sms", "whatsapp"]);
    expect(sandbox.verificationCode(TO)).toBe(code);
    // another To gets its own verification
    const other = await startVerification(service.sid, { To: "+15558675311", Channel: "sms" });
    expect(other.sid).not.toBe(first.sid);
    for (let i = 0; i < 3; i++) await startVerification(service.sid, { To: TO, Channel: "sms" });
    const limited = await call("POST", `/v2/Services/${service.sid}/Verifications`, { To: TO, Channel: "sms" });
    expect(limited.body).toMatchObject({ status: 429, code: 60203, message: "Max send attempts reached" });
    // the window slides with virtual time: once the verification expired, sending works again
    await sandbox.advance(10 * 60_000);
    const fresh = await startVerification(service.sid, { To: TO, Channel: "sms" });
    expect(fresh.sid).not.toBe(first.sid);
    expect(fresh.send_code_attempts).toHaveLength(1);
  });

  it("expires a verification after 10 minutes of virtual time", async () => {
    const service = await createService();
    const verification = await startVerification(service.sid, { To: TO, Channel: "sms" });
    const code = sandbox.verificationCode(TO)!;
    await sandbox.advance(10 * 60_000 - 1);
    await ok("GET", "/v2/Services/{ServiceSid}/Verifications/{Sid}", `/v2/Services/${service.sid}/Verifications/${verification.sid}`, 200);
    await sandbox.advance(1);
    expect((await call("GET", `/v2/Services/${service.sid}/Verifications/${verification.sid}`)).body).toMatchObject({ status: 404, code: 20404 });
    expect((await check(service.sid, { To: TO, Code: code })).body).toMatchObject({ status: 404, code: 20404 });
    expect((await check(service.sid, { VerificationSid: verification.sid, Code: code })).status).toBe(404);
    const codes = (await control(sandbox.url, "GET", `/verify/codes?To=${encodeURIComponent(TO)}`)).body.codes;
    expect(codes[0]).toMatchObject({ verificationSid: verification.sid, status: "expired" });
  });

  it("cancels or approves a verification through UpdateVerification", async () => {
    const service = await createService();
    const a = await startVerification(service.sid, { To: TO, Channel: "sms" });
    const canceled = await ok("POST", "/v2/Services/{ServiceSid}/Verifications/{Sid}", `/v2/Services/${service.sid}/Verifications/${a.sid}`, 200, { Status: "canceled" });
    expect(canceled.status).toBe("canceled");
    expect((await check(service.sid, { To: TO, Code: sandbox.verificationCode(TO)! })).status).toBe(404);
    expect((await call("POST", `/v2/Services/${service.sid}/Verifications/${a.sid}`, { Status: "approved" })).status).toBe(404);
    const b = await startVerification(service.sid, { To: TO, Channel: "sms" });
    expect(b.sid).not.toBe(a.sid);
    const approved = await ok("POST", "/v2/Services/{ServiceSid}/Verifications/{Sid}", `/v2/Services/${service.sid}/Verifications/${b.sid}`, 200, { Status: "approved" });
    expect(approved).toMatchObject({ status: "approved", valid: true });
    const bad = await call("POST", `/v2/Services/${service.sid}/Verifications/${b.sid}`, { Status: "pending" });
    expect(bad.body).toMatchObject({ status: 400, code: 60200 });
  });

  it("sends to email addresses, resolves auto to sms, and accepts a custom code when enabled", async () => {
    const service = await createService({ FriendlyName: "Custom", CustomCodeEnabled: "true" });
    const email = await startVerification(service.sid, { To: "user@example.com", Channel: "email" });
    expect(email.channel).toBe("email");
    const auto = await startVerification(service.sid, { To: TO, Channel: "auto", CustomCode: "A1B2C3" });
    expect(auto.channel).toBe("sms");
    expect(sandbox.verificationCode(TO)).toBe("A1B2C3");
    const approved = await check(service.sid, { To: TO, Code: "A1B2C3" });
    expect(approved.body).toMatchObject({ status: "approved", valid: true });
    const plain = await createService({ FriendlyName: "Plain" });
    expect((await call("POST", `/v2/Services/${plain.sid}/Verifications`, { To: TO, Channel: "sms", CustomCode: "1234" })).body).toMatchObject({ code: 60200 });
  });

  it("rejects bad verification input with Twilio's codes", async () => {
    const service = await createService();
    const base = `/v2/Services/${service.sid}`;
    const cases: Array<[string, Record<string, string>, number, number]> = [
      ["/Verifications", { Channel: "sms" }, 400, 60200],
      ["/Verifications", { To: TO }, 400, 60200],
      ["/Verifications", { To: TO, Channel: "pigeon" }, 400, 60200],
      ["/Verifications", { To: "5558675310", Channel: "sms" }, 400, 60200],
      ["/Verifications", { To: TO, Channel: "email" }, 400, 60200],
      ["/Verifications", { To: TO, Channel: "sms", Locale: "<script>" }, 400, 60200],
      ["/VerificationCheck", { To: TO }, 400, 60200],
      ["/VerificationCheck", { Code: "123456" }, 400, 60200],
      ["/VerificationCheck", { VerificationSid: "VEnope", Code: "123456" }, 400, 60200],
      ["/VerificationCheck", { To: TO, Code: "123456" }, 404, 20404],
      ["/VerificationCheck", { VerificationSid: `VE${"0".repeat(32)}`, Code: "123456" }, 404, 20404],
    ];
    for (const [suffix, form, status, code] of cases) {
      const response = await call("POST", base + suffix, form);
      expect(response.body, `${suffix} ${JSON.stringify(form)}`).toMatchObject({ status, code });
      expect(response.status).toBe(status);
    }
    expect((await call("POST", `/v2/Services/VA${"0".repeat(32)}/Verifications`, { To: TO, Channel: "sms" })).status).toBe(404);
    expect((await call("GET", `${base}/Verifications/garbage`)).status).toBe(404);
    expect((await call("GET", "/v2/Services/%E0%A4%A")).status).toBeLessThan(500);
  });

  it("answers arbitrary form bodies with 2xx or a Twilio 4xx, never a 5xx", async () => {
    const service = await createService();
    const name = fc.constantFrom("To", "Channel", "Code", "VerificationSid", "CustomCode", "Locale", "FriendlyName", "CodeLength", "Status", "Totp.Skew", "%", "&&");
    const value = fc.oneof(fc.string(), fc.constantFrom("+15558675310", "sms", "email", "x@y.z", "123456", `VE${"0".repeat(32)}`, "true", "9".repeat(400)));
    const path = fc.constantFrom("/v2/Services", `/v2/Services/${service.sid}`, `/v2/Services/${service.sid}/Verifications`, `/v2/Services/${service.sid}/VerificationCheck`);
    await fc.assert(
      fc.asyncProperty(path, fc.array(fc.tuple(name, value), { maxLength: 5 }), async (target, pairs) => {
        const response = await fetch(`${sandbox.url}/verify${target}`, {
          method: "POST",
          headers: { Authorization: `Basic ${Buffer.from(`${sandbox.accountSid}:${sandbox.authToken}`).toString("base64")}`, "Content-Type": "application/x-www-form-urlencoded" },
          body: pairs.map(([key, item]) => `${encodeURIComponent(key)}=${encodeURIComponent(item)}`).join("&"),
        });
        const json = await response.json();
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) expect(json).toMatchObject({ code: expect.any(Number), message: expect.any(String), status: response.status });
      }),
      { numRuns: 80 },
    );
  });
});

describe("Verify codes with a seed", () => {
  it("are the same for the same seed and the same calls", async () => {
    const codes: string[] = [];
    for (let run = 0; run < 2; run++) {
      const seeded = await startSandbox({ clock: "manual", seed: "verify-test" });
      try {
        const auth = { user: seeded.accountSid, password: seeded.authToken };
        const service = await api(seeded.url, "POST", "/verify/v2/Services", { ...auth, form: { FriendlyName: "Seeded" } });
        await api(seeded.url, "POST", `/verify/v2/Services/${service.body.sid}/Verifications`, { ...auth, form: { To: TO, Channel: "sms" } });
        codes.push(seeded.verificationCode(TO)!);
      } finally {
        await seeded.stop();
      }
    }
    expect(codes[0]).toMatch(/^\d{6}$/);
    expect(codes[1]).toBe(codes[0]);
  });
});

describe("the @twilio-kit/core client", () => {
  it("runs the README flow", async () => {
    const twilio = await sandbox.client();
    const service = await twilio.request("POST /verify/v2/Services", { FriendlyName: "My App" });
    await twilio.request("POST /verify/v2/Services/{ServiceSid}/Verifications", { ServiceSid: service.sid!, To: TO, Channel: "sms" });
    const code = sandbox.verificationCode(TO)!;
    const checked = await twilio.request("POST /verify/v2/Services/{ServiceSid}/VerificationCheck", { ServiceSid: service.sid!, To: TO, Code: code });
    expect(checked.status).toBe("approved");
  });
});

describe("the official twilio client", () => {
  it("creates a service, a verification and a check", async () => {
    const inner = new twilio.RequestClient();
    const httpClient = {
      request: (opts: any) => inner.request({ ...opts, uri: String(opts.uri).replace(/^https:\/\/([a-z0-9-]+)\.twilio\.com/, `${sandbox.url}/$1`) }),
    };
    const client = twilio(sandbox.accountSid, sandbox.authToken, { httpClient: httpClient as never });
    const service = await client.verify.v2.services.create({ friendlyName: "Oracle", codeLength: 5 });
    expect(service.codeLength).toBe(5);
    expect(service.dateCreated).toBeInstanceOf(Date);
    const verification = await client.verify.v2.services(service.sid).verifications.create({ to: TO, channel: "sms" });
    expect(verification.status).toBe("pending");
    const wrong = await client.verify.v2.services(service.sid).verificationChecks.create({ to: TO, code: "00000" === sandbox.verificationCode(TO) ? "11111" : "00000" });
    expect(wrong.valid).toBe(false);
    const right = await client.verify.v2.services(service.sid).verificationChecks.create({ to: TO, code: sandbox.verificationCode(TO)! });
    expect(right).toMatchObject({ status: "approved", valid: true, sid: verification.sid });
    const fetched = await client.verify.v2.services(service.sid).fetch();
    expect(fetched.friendlyName).toBe("Oracle");
    const listed = await client.verify.v2.services.list();
    expect(listed.map((s) => s.sid)).toEqual([service.sid]);
    await expect(client.verify.v2.services(service.sid).verificationChecks.create({ to: TO, code: "12345" })).rejects.toMatchObject({ status: 404, code: 20404 });
  });
});
