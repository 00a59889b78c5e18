import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ACCOUNT_SID, AUTH_TOKEN, startFakeTwilio, type FakeTwilio } from "./helpers/fake-twilio.js";
import { runTwk, tempHome, type TempHome } from "./helpers/run-twk.js";

let fake: FakeTwilio;
let home: TempHome;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  fake = await startFakeTwilio();
  home = tempHome();
  env = { ...home.env, TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_BASE_URL: fake.url };
});
afterAll(async () => {
  await fake.close();
  home.cleanup();
});
beforeEach(() => {
  fake.requests.length = 0;
});

describe("twk send sms and messages send", () => {
  it("sends one message and prints it", async () => {
    const result = await runTwk(["send", "sms", "--to", "+15558675310", "--from", "+15017122661", "--body", "Hello there", "-o", "json"], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ to: "+15558675310", body: "Hello there" });
    expect(Object.fromEntries(fake.requests[0]!.form)).toEqual({ To: "+15558675310", From: "+15017122661", Body: "Hello there" });
  });

  it("accepts `twk messages send` with a Messaging Service and media", async () => {
    const result = await runTwk(["messages", "send", "--to", "+15558675310", "--messaging-service-sid", `MG${"1".repeat(32)}`, "--media-url", "https://a.example/x.png", "-o", "csv"], env);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe("sid,to,from,status,date_created");
    expect(fake.requests[0]!.form.get("MessagingServiceSid")).toBe(`MG${"1".repeat(32)}`);
  });

  it("exits 2 without --to and sends nothing", async () => {
    const result = await runTwk(["send", "sms", "--from", "+15017122661", "--body", "x"], env);
    expect(result.code).toBe(2);
    expect(fake.requests).toHaveLength(0);
  });

  it("suggests the right subcommand for a typo", async () => {
    const result = await runTwk(["send", "smss"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("twk send sms");
  });
});

describe("twk phone-numbers", () => {
  it("lists numbers with their webhook URLs", async () => {
    const result = await runTwk(["phone-numbers", "list", "-o", "csv"], env);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe("sid,phone_number,friendly_name,sms_url,voice_url");
  });

  it("updates a number looked up by E.164", async () => {
    const result = await runTwk(["phone-numbers", "update", "+15017122661", "--sms-url", "https://new.example.com/sms", "-o", "json"], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).sms_url).toBe("https://new.example.com/sms");
    expect(fake.requests[0]!.query.get("PhoneNumber")).toBe("+15017122661");
    expect(fake.requests[1]!.path).toBe(`/api/2010-04-01/Accounts/${ACCOUNT_SID}/IncomingPhoneNumbers/PN${"0".repeat(31)}1.json`);
    expect(fake.requests[1]!.form.get("SmsUrl")).toBe("https://new.example.com/sms");
  });

  it("exits 4 when the number is not on the account", async () => {
    const result = await runTwk(["phone-numbers", "update", "+19999999999", "--voice-url", "https://x.example"], env);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("no phone number +19999999999");
  });
});
