// Region and edge reach the request URL (`{domain}.{edge}.{region}.twilio.com`). No DNS in tests: the
// client is built in-process with an injected fetch that records the URL and answers locally.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FlagValues } from "../src/args.js";
import { createCliClient } from "../src/client.js";
import { CREATE_MESSAGE, CREATE_MESSAGE_ROW } from "../src/commands/send.js";
import { writeConfig } from "../src/config.js";
import { CliError } from "../src/errors.js";
import { ACCOUNT_SID, AUTH_TOKEN } from "./helpers/fake-twilio.js";
import { tempHome, type TempHome } from "./helpers/run-twk.js";

const VERIFY = "POST /verify/v2/Services/{ServiceSid}/Verifications";
const TABLE = { [CREATE_MESSAGE]: CREATE_MESSAGE_ROW, [VERIFY]: {} };

let home: TempHome;
beforeEach(() => {
  home = tempHome();
  // core falls back to process.env, which in twk is the env the CLI resolved from; keep the outer shell out
  for (const name of ["TWILIO_REGION", "TWILIO_EDGE", "TWILIO_BASE_URL"]) vi.stubEnv(name, undefined);
});
afterEach(() => {
  home.cleanup();
  vi.unstubAllEnvs();
});

/** The URL one request goes to, given flags and an environment. */
async function urlOf(flags: FlagValues, env: NodeJS.ProcessEnv, route: string = CREATE_MESSAGE): Promise<string> {
  const urls: string[] = [];
  const fetch = async (input: string | URL | Request) => {
    urls.push(String(input instanceof Request ? input.url : input));
    return new Response(JSON.stringify({ sid: `SM${"0".repeat(32)}` }), { status: 201, headers: { "Content-Type": "application/json" } });
  };
  const client = createCliClient(flags, env, TABLE, { fetch: fetch as typeof globalThis.fetch });
  await client.request(route, { To: "+15558675310", From: "+15017122661", Body: "hi", ServiceSid: `VA${"0".repeat(32)}`, Channel: "sms" });
  return urls[0]!;
}

const creds = () => ({ ...home.env, TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN });
const messagesPath = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;

describe("region and edge", () => {
  it("sends to api.twilio.com without either", async () => {
    expect(await urlOf({}, creds())).toBe(`https://api.twilio.com${messagesPath}`);
  });

  it("honours --region and --edge, for every domain", async () => {
    expect(await urlOf({ region: "ie1", edge: "dublin" }, creds())).toBe(`https://api.dublin.ie1.twilio.com${messagesPath}`);
    expect(await urlOf({ region: "au1", edge: "sydney" }, creds(), VERIFY)).toBe(`https://verify.sydney.au1.twilio.com/v2/Services/VA${"0".repeat(32)}/Verifications`);
  });

  it("honours TWILIO_REGION and TWILIO_EDGE, and flags win over them", async () => {
    const env = { ...creds(), TWILIO_REGION: "ie1", TWILIO_EDGE: "dublin" };
    expect(await urlOf({}, env)).toBe(`https://api.dublin.ie1.twilio.com${messagesPath}`);
    expect(await urlOf({ region: "au1", edge: "sydney" }, env)).toBe(`https://api.sydney.au1.twilio.com${messagesPath}`);
  });

  it("uses the profile's region and edge when neither flag nor environment sets them", async () => {
    writeConfig(home.env, { activeProfile: "eu", profiles: { eu: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, region: "ie1", edge: "dublin" } } });
    expect(await urlOf({}, home.env)).toBe(`https://api.dublin.ie1.twilio.com${messagesPath}`);
    expect(await urlOf({}, { ...home.env, TWILIO_EDGE: "frankfurt" })).toBe(`https://api.frankfurt.ie1.twilio.com${messagesPath}`);
    expect(await urlOf({ region: "us1", edge: "ashburn" }, home.env)).toBe(`https://api.ashburn.us1.twilio.com${messagesPath}`);
  });

  it("defaults the region to us1 when only an edge is given, as Twilio does", async () => {
    expect(await urlOf({ edge: "umatilla" }, creds())).toBe(`https://api.umatilla.us1.twilio.com${messagesPath}`);
  });

  it("lets --base-url override region and edge (the sandbox)", async () => {
    expect(await urlOf({ region: "ie1", edge: "dublin", "base-url": "http://127.0.0.1:9" }, creds())).toBe(`http://127.0.0.1:9/api${messagesPath}`);
  });

  it("rejects a region or edge that is not a host label, naming where it came from", () => {
    const attempt = (flags: FlagValues, env: NodeJS.ProcessEnv) => {
      try {
        createCliClient(flags, env, TABLE);
      } catch (error) {
        return error as CliError;
      }
      throw new Error("no error");
    };
    const flag = attempt({ region: "ie1.evil.example" }, creds());
    expect(flag).toBeInstanceOf(CliError);
    expect(flag.exitCode).toBe(2);
    expect(flag.message).toContain("--region must be letters, digits and dashes");
    expect(attempt({}, { ...creds(), TWILIO_EDGE: "dublin/x" }).message).toContain("TWILIO_EDGE must be");
    writeConfig(home.env, { activeProfile: "bad", profiles: { bad: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, region: "ie 1" } } });
    expect(attempt({}, home.env).message).toContain("the region of profile bad must be");
  });
});
