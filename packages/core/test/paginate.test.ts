import { describe, expect, it } from "vitest";
import { createTwilio } from "../src/index.js";
import { ACCOUNT_SID, AUTH_TOKEN, scriptedFetch } from "./helpers.js";

const LIST = "GET /2010-04-01/Accounts/{AccountSid}/Messages.json";
const base = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;

function v2010Page(sids: string[], next: string | null) {
  return { body: { messages: sids.map((sid) => ({ sid })), next_page_uri: next, page: 0, page_size: sids.length, uri: base } };
}

describe("paginate", () => {
  it("follows v2010 next_page_uri relative to the configured base", async () => {
    const { fetch, seen } = scriptedFetch(
      v2010Page(["SM1", "SM2"], `${base}?PageSize=2&Page=1&PageToken=PA1`),
      v2010Page(["SM3"], null),
    );
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch, baseUrl: "http://127.0.0.1:9" });
    const sids: string[] = [];
    for await (const message of twilio.paginate(LIST, { To: "+1" }, { pageSize: 2 })) sids.push(message.sid!);
    expect(sids).toEqual(["SM1", "SM2", "SM3"]);
    expect(seen.map((r) => r.url)).toEqual([
      `http://127.0.0.1:9/api${base}?To=%2B1&PageSize=2`,
      `http://127.0.0.1:9/api${base}?PageSize=2&Page=1&PageToken=PA1`,
    ]);
  });

  it("follows meta.next_page_url of newer APIs and reads items from meta.key", async () => {
    const { fetch, seen } = scriptedFetch(
      { body: { services: [{ sid: "MG1" }], meta: { key: "services", next_page_url: "https://messaging.twilio.com/v1/Services?PageSize=1&Page=1&PageToken=PT" } } },
      { body: { services: [{ sid: "MG2" }], meta: { key: "services", next_page_url: null } } },
    );
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch, baseUrl: "http://127.0.0.1:9" });
    const sids: string[] = [];
    for await (const service of twilio.paginate("GET /messaging/v1/Services")) sids.push(service.sid!);
    expect(sids).toEqual(["MG1", "MG2"]);
    expect(seen[1]!.url).toBe("http://127.0.0.1:9/messaging/v1/Services?PageSize=1&Page=1&PageToken=PT");
  });

  it("fetches lazily: breaking the loop stops further requests", async () => {
    const { fetch, seen } = scriptedFetch(v2010Page(["SM1", "SM2"], `${base}?Page=1`), v2010Page(["SM3"], null));
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch });
    for await (const message of twilio.paginate(LIST)) {
      expect(message.sid).toBe("SM1");
      break;
    }
    expect(seen).toHaveLength(1);
  });

  it("stops at the limit without fetching the next page", async () => {
    const { fetch, seen } = scriptedFetch(v2010Page(["SM1", "SM2"], `${base}?Page=1`), v2010Page(["SM3"], null));
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch });
    const sids: string[] = [];
    for await (const message of twilio.paginate(LIST, {}, { limit: 2 })) sids.push(message.sid!);
    expect(sids).toEqual(["SM1", "SM2"]);
    expect(seen).toHaveLength(1);
  });

  it("is reachable from the facade beside list", async () => {
    const { fetch } = scriptedFetch(v2010Page(["SM1"], null));
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch });
    const sids: string[] = [];
    for await (const message of twilio.messages.paginate({ From: "+1" })) sids.push(message.sid!);
    expect(sids).toEqual(["SM1"]);
  });

  it("refuses a route that is not a GET", async () => {
    const { fetch } = scriptedFetch({ body: {} });
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch });
    const iterator = twilio.paginate("POST /2010-04-01/Accounts/{AccountSid}/Messages.json" as never);
    await expect(iterator.next()).rejects.toThrow(/GET list route/);
  });
});
