import { describe, expect, it } from "vitest";
import { createTwilio as createApiV2010 } from "../src/generated/api-v2010.js";
import { createTwilio as createVerifyV2 } from "../src/generated/verify-v2.js";
import { createTwilio } from "../src/index.js";
import { ACCOUNT_SID, AUTH_TOKEN, formPairs, scriptedFetch } from "./helpers.js";

const options = (fetch: typeof globalThis.fetch) => ({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch });

describe("facade", () => {
  it("sends twilio.messages.create to the 2010 Messages resource", async () => {
    const { fetch, seen } = scriptedFetch({ status: 201, body: { sid: "SM1", status: "queued" } });
    const message = await createTwilio(options(fetch)).messages.create({ To: "+15558675310", From: "+15017122661", Body: "Hi" });
    expect(message.status).toBe("queued");
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.url).toBe(`https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(formPairs(seen[0]!.body)).toEqual([["To", "+15558675310"], ["From", "+15017122661"], ["Body", "Hi"]]);
  });

  it("names nested resources by their path: calls.recordings.list", async () => {
    const { fetch, seen } = scriptedFetch({ body: { recordings: [] } });
    await createTwilio(options(fetch)).calls.recordings.list({ CallSid: "CA1" });
    expect(seen[0]!.url).toBe(`https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/CA1/Recordings.json`);
  });

  it("reaches other products as domain.version.resource.verb", async () => {
    const { fetch, seen } = scriptedFetch({ status: 201, body: { sid: "VE1" } });
    await createTwilio(options(fetch)).verify.v2.services.verifications.create({ ServiceSid: "VA1", To: "+1", Channel: "sms" });
    expect(seen[0]!.url).toBe("https://verify.twilio.com/v2/Services/VA1/Verifications");
  });

  it("keeps twilio.accounts for accounts.twilio.com, as twilio-node does, and the 2010 one under api.v2010", async () => {
    const { fetch, seen } = scriptedFetch({ body: {} });
    const twilio = createTwilio(options(fetch));
    await twilio.accounts.v1.credentials.publicKeys.list();
    await twilio.api.v2010.accounts.fetch({ Sid: ACCOUNT_SID });
    expect(seen.map((r) => new URL(r.url).host)).toEqual(["accounts.twilio.com", "api.twilio.com"]);
  });

  it("builds the same facade from a spec subpath, with only that spec inside", async () => {
    const { fetch, seen } = scriptedFetch({ status: 201, body: {} });
    await createApiV2010(options(fetch)).messages.create({ To: "+1", Body: "x" });
    await createVerifyV2(options(fetch)).services.create({ FriendlyName: "My app" });
    expect(seen.map((r) => r.url)).toEqual([
      `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`,
      "https://verify.twilio.com/v2/Services",
    ]);
  });

  it("sends JSON to operations whose spec asks for JSON", async () => {
    const { fetch, seen } = scriptedFetch({ status: 201, body: {} });
    await createTwilio(options(fetch)).request("POST /assistants/v1/Assistants", { name: "helper", owner: "me" } as never);
    expect(seen[0]!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(seen[0]!.body)).toMatchObject({ name: "helper" });
  });
});
