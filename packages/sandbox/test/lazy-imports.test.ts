// libphonenumber-js and ws stay off the start path: the first message or Lookup waits for the phone
// number library (loaded in the background after listen) and answers exactly as a warm sandbox does.
// Each test file runs in its own fork, so the library is not loaded when this file starts.
import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { isPhoneNumberLibraryLoaded, parseNumber } from "../src/lookup/parse.js";
import { api } from "./helpers.js";

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

describe("the phone number library, loaded after listen", () => {
  it("is not loaded by importing the sandbox, and parseNumber says so instead of guessing", () => {
    expect(isPhoneNumberLibraryLoaded()).toBe(false);
    expect(() => parseNumber("+15558675310")).toThrow(/before loadPhoneNumberLibrary/);
  });

  it("is awaited by the first requests: a landline SMS is refused with 21614 and Lookup answers in full", async () => {
    sandbox = await startSandbox({ clock: "manual" });
    const auth = { user: sandbox.accountSid, password: sandbox.authToken };
    const path = `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`;
    // sent together right after start, before the background load can have finished
    const [landline, mobile, lookup] = await Promise.all([
      api(sandbox.url, "POST", path, { ...auth, form: { To: "+442071838750", From: sandbox.phoneNumber, Body: "Hi" } }),
      api(sandbox.url, "POST", path, { ...auth, form: { To: "+15558675310", From: sandbox.phoneNumber, Body: "Hi" } }),
      api(sandbox.url, "GET", "/lookups/v2/PhoneNumbers/%2B442071838750?Fields=line_type_intelligence", auth),
    ]);
    expect(landline.status).toBe(400);
    expect(landline.body.code).toBe(21614);
    expect(mobile.status).toBe(201);
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({ valid: true, country_code: "GB", national_format: "020 7183 8750" });
    expect(lookup.body.line_type_intelligence.type).toBe("landline");
    expect(isPhoneNumberLibraryLoaded()).toBe(true);
  });
});
