// Generated bad input against the form parser, the REST API and the control API: always a clear
// answer (never a crash, a hang or a 5xx), and nothing stored before is lost. Strings are full
// Unicode (astral planes included), bodies carry the form content type so they reach the parser, and
// raw byte bodies include invalid UTF-8.
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

/** Any Unicode code point (astral ones included), as fast-check 4 spells "full Unicode". */
const unicode = (options: { minLength?: number; maxLength?: number } = {}) => fc.string({ unit: "binary", ...options });

/** Percent-encodes the UTF-8 bytes of a string, as a form encoder does. */
function pct(text: string): string {
  return encodeURIComponent(text);
}

const authHeader = () => `Basic ${Buffer.from(`${sandbox.accountSid}:${sandbox.authToken}`).toString("base64")}`;
const formType = "application/x-www-form-urlencoded";

describe("the form parser", () => {
  it("round-trips any params with repeated keys", () => {
    fc.assert(
      fc.property(fc.dictionary(unicode({ minLength: 1 }), fc.array(unicode(), { minLength: 1, maxLength: 3 })), (params) => {
        const parsed = parseForm(encodeForm(params));
        expect({ ...parsed }).toEqual(params);
      }),
    );
  });

  it("never throws on arbitrary text, and keeps malformed escapes literal", () => {
    fc.assert(
      fc.property(unicode(), fc.constantFrom("%", "%Z", "%E0%A4%A", "%FF", "%%", "+"), (text, escape) => {
        parseForm(text);
        expect(parseForm(`k=${escape}`).k).toEqual([escape.replace(/\+/g, " ")]);
      }),
    );
  });
});

const shortRuns = { numRuns: 60 };

describe("the REST API", () => {
  it("answers arbitrary form bodies on Messages.json with 201 or a Twilio 4xx", async () => {
    const field = fc.constantFrom("To", "From", "Body", "MediaUrl", "StatusCallback", "SendAt", "ScheduleType", "PageSize", "ValidityPeriod", "SmartEncoded", "%", "&&");
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(field, fc.oneof(unicode(), fc.constant("+15558675310"), fc.constant(sandbox.phoneNumber))), { maxLength: 6 }), async (pairs) => {
        const body = pairs.map(([name, value]) => `${pct(name)}=${pct(value)}`).join("&");
        const response = await fetch(`${sandbox.url}/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, {
          method: "POST",
          headers: { Authorization: authHeader(), "Content-Type": formType },
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

  it("answers raw garbage form bodies and paths (full Unicode, invalid UTF-8) without a 5xx", async () => {
    const path = fc.oneof(unicode(), fc.constantFrom("Messages.json", "Calls.json", "IncomingPhoneNumbers.json", `Messages/SM${"0".repeat(32)}.json`));
    const body = fc.oneof(unicode().map((text) => Buffer.from(text)), fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)));
    await fc.assert(
      fc.asyncProperty(path, body, fc.constantFrom("GET", "POST", "DELETE", "PUT"), async (tail, bytes, method) => {
        const response = await fetch(`${sandbox.url}/api/2010-04-01/Accounts/${sandbox.accountSid}/${encodeURI(tail)}`, {
          method,
          headers: { Authorization: authHeader(), "Content-Type": formType },
          body: method === "GET" ? undefined : bytes,
        });
        const text = await response.text();
        expect(response.status).toBeLessThan(500);
        // paths without `.json` answer in XML (Twilio's default representation): check the JSON ones' shape
        const isJson = response.headers.get("content-type")?.includes("json");
        if (response.status >= 400 && isJson) expect(JSON.parse(text)).toMatchObject({ code: expect.any(Number), status: response.status });
        if (response.status >= 400) expect(text).toContain(String(response.status));
      }),
      shortRuns,
    );
  });

  it("answers invalid UTF-8 in a form body that reaches the parser with 400", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]), async (bad) => {
        const body = Buffer.concat([Buffer.from(`To=%2B15558675310&From=${pct(sandbox.phoneNumber)}&Body=`), Buffer.from(bad)]);
        const response = await fetch(`${sandbox.url}/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, { method: "POST", headers: { Authorization: authHeader(), "Content-Type": formType }, body });
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({ code: 20001, status: 400 });
      }),
      { numRuns: 10 },
    );
  });

  it("answers malformed Basic auth with 401 20003, never a 5xx", async () => {
    const good = Buffer.from(`${sandbox.accountSid}:${sandbox.authToken}`).toString("base64");
    const header = fc.oneof(
      unicode().map((text) => `Basic ${text}`),
      fc.uint8Array({ maxLength: 80 }).map((bytes) => `Basic ${Buffer.from(bytes).toString("base64")}`),
      unicode({ minLength: 1 }).filter((junk) => junk.trim() !== "").map((junk) => `Basic ${good}${junk}`),
      fc.tuple(unicode(), unicode()).map(([user, password]) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`),
      fc.constantFrom("Basic", "Basic ", "Bearer x", `Basic ${good}=`, `Basic ${good.replace(/=+$/, "")}`),
    );
    await fc.assert(
      fc.asyncProperty(header, async (value) => {
        // fetch refuses header values outside Latin-1: those never reach a server
        if (/[^\t\x20-\xff]/.test(value)) return;
        const response = await fetch(`${sandbox.url}/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, {
          method: "POST",
          headers: { Authorization: value.trim(), "Content-Type": formType },
          body: `To=%2B15558675310&Body=x`,
        });
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({ code: 20003, status: 401 });
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

  it("answers arbitrary form bodies (full Unicode, invalid UTF-8) on every control route with a 4xx or success, never a 5xx", async () => {
    const routes = ["/seed", "/clock/advance", "/messages/inbound", "/calls/inbound", `/messages/SM${"0".repeat(32)}/status`, `/calls/CA${"0".repeat(32)}/digits`];
    const body = fc.oneof(
      fc.array(fc.tuple(fc.constantFrom("From", "To", "Body", "Ms", "Digits", "Status", "accounts", "numbers"), unicode()), { maxLength: 4 }).map((pairs) => Buffer.from(pairs.map(([k, v]) => `${pct(k)}=${pct(v)}`).join("&"))),
      fc.uint8Array({ maxLength: 48 }).map((bytes) => Buffer.from(bytes)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), body, async (route, bytes) => {
        const response = await fetch(`${sandbox.url}/_sandbox${route}`, { method: "POST", headers: { "Content-Type": formType, "X-Sandbox-Control": "1" }, body: bytes });
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
