// Generated bad input against the form parser, the REST API and the control API: always a clear
// answer (never a crash, a hang or a 5xx), and nothing stored before is lost.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeForm, parseForm } from "../src/http/form.js";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { api } from "./helpers.js";

let sandbox: SandboxHandle;
let sentinel: string;
beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual" });
  const { body } = await api(sandbox.url, "POST", `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, {
    user: sandbox.accountSid,
    password: sandbox.authToken,
    form: { To: "+15558675310", From: sandbox.phoneNumber, Body: "sentinel" },
  });
  sentinel = body.uri;
});
afterAll(() => sandbox.stop());

describe("the form parser", () => {
  it("round-trips any params with repeated keys", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.array(fc.string(), { minLength: 1, maxLength: 3 })), (params) => {
        const parsed = parseForm(encodeForm(params));
        expect({ ...parsed }).toEqual(params);
      }),
    );
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        parseForm(text);
      }),
    );
  });
});

const shortRuns = { numRuns: 60 };

describe("the REST API", () => {
  it("answers arbitrary form bodies on Messages.json with 201 or a Twilio 4xx", async () => {
    const field = fc.constantFrom("To", "From", "Body", "MediaUrl", "StatusCallback", "SendAt", "ScheduleType", "PageSize", "ValidityPeriod", "SmartEncoded", "%", "&&");
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(field, fc.oneof(fc.string(), fc.constant("+15558675310"), fc.constant(sandbox.phoneNumber))), { maxLength: 6 }), async (pairs) => {
        const body = pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join("&");
        const response = await fetch(`${sandbox.url}/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, {
          method: "POST",
          headers: { Authorization: `Basic ${Buffer.from(`${sandbox.accountSid}:${sandbox.authToken}`).toString("base64")}`, "Content-Type": "application/x-www-form-urlencoded" },
          body,
        });
        const json = await response.json();
        if (response.status !== 201) {
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expect(json).toMatchObject({ code: expect.any(Number), message: expect.any(String), status: response.status });
        }
      }),
      shortRuns,
    );
  });

  it("answers raw garbage bodies and paths without a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), fc.constantFrom("GET", "POST", "DELETE", "PUT"), async (path, body, method) => {
        const response = await fetch(`${sandbox.url}/api/2010-04-01/Accounts/${sandbox.accountSid}/${encodeURI(path)}`, {
          method,
          headers: { Authorization: `Basic ${Buffer.from(`${sandbox.accountSid}:${sandbox.authToken}`).toString("base64")}` },
          body: method === "GET" ? undefined : body,
        });
        await response.arrayBuffer();
        expect(response.status).toBeLessThan(500);
      }),
      shortRuns,
    );
  });

  it("rejects a body over 1 MiB with 413", async () => {
    const response = await api(sandbox.url, "POST", `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, {
      user: sandbox.accountSid,
      password: sandbox.authToken,
      form: { Body: "x".repeat(1_100_000) },
    });
    expect(response.status).toBe(413);
  });
});

describe("the control API", () => {
  it("answers arbitrary JSON on every control route with a 4xx or success, never a 5xx", async () => {
    const routes = ["/seed", "/clock/advance", "/messages/inbound", "/calls/inbound", `/messages/SM${"0".repeat(32)}/status`, `/calls/CA${"0".repeat(32)}/digits`, "/nope"];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.jsonValue(), async (route, value) => {
        const response = await fetch(`${sandbox.url}/_sandbox${route}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) });
        await response.arrayBuffer();
        expect(response.status).toBeLessThan(500);
      }),
      shortRuns,
    );
  });

  it("lost no data along the way", async () => {
    const fetched = await api(sandbox.url, "GET", `/api${sentinel}`, { user: sandbox.accountSid, password: sandbox.authToken });
    expect(fetched.body.body).toBe("sentinel");
  });
});
