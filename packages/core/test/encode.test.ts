import { describe, expect, it } from "vitest";
import { encodeRequest } from "../src/encode.js";
import { parseRoute } from "../src/operations.js";
import { formPairs } from "./helpers.js";

const MESSAGES = "/2010-04-01/Accounts/{AccountSid}/Messages.json";

describe("encodeRequest", () => {
  it("substitutes path params and defaults AccountSid to the client's account", () => {
    const encoded = encodeRequest("GET", "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json", { Sid: "SM1" }, undefined, {
      AccountSid: "AC1",
    });
    expect(encoded.pathAndQuery).toBe("/2010-04-01/Accounts/AC1/Messages/SM1.json");
    expect(encoded.body).toBeUndefined();
  });

  it("prefers an explicit AccountSid, for subaccounts", () => {
    const encoded = encodeRequest("GET", MESSAGES, { AccountSid: "ACsub" }, undefined, { AccountSid: "ACmain" });
    expect(encoded.pathAndQuery).toBe("/2010-04-01/Accounts/ACsub/Messages.json");
  });

  it("percent-encodes path params so a value cannot add path segments", () => {
    const encoded = encodeRequest("GET", "/v2/PhoneNumbers/{PhoneNumber}", { PhoneNumber: "+1 555/../x" }, undefined, {});
    expect(encoded.pathAndQuery).toBe("/v2/PhoneNumbers/%2B1%20555%2F..%2Fx");
  });

  it("names the missing path param", () => {
    expect(() => encodeRequest("GET", "/v1/Services/{Sid}", {}, undefined, {})).toThrow(/missing path param Sid/);
  });

  it("form-encodes a body with repeated keys for arrays and true/false for booleans", () => {
    const encoded = encodeRequest(
      "POST",
      MESSAGES,
      { To: "+15558675310", Body: "a+b & c", MediaUrl: ["https://x/1.png", "https://x/2.png"], SendAsMms: true, SmartEncoded: false },
      { a: ["MediaUrl"] },
      { AccountSid: "AC1" },
    );
    expect(encoded.headers["Content-Type"]).toBe("application/x-www-form-urlencoded");
    expect(formPairs(encoded.body!)).toEqual([
      ["To", "+15558675310"],
      ["Body", "a+b & c"],
      ["MediaUrl", "https://x/1.png"],
      ["MediaUrl", "https://x/2.png"],
      ["SendAsMms", "true"],
      ["SmartEncoded", "false"],
    ]);
  });

  it("sends Dates as ISO date-times without milliseconds, and as YYYY-MM-DD where the spec says date", () => {
    const when = new Date("2024-03-05T06:07:08.999Z");
    const encoded = encodeRequest("GET", "/v1/Usage", { StartDate: when, EndTime: when }, { d: ["StartDate"] }, {});
    expect(encoded.pathAndQuery).toBe("/v1/Usage?StartDate=2024-03-05&EndTime=2024-03-05T06%3A07%3A08Z");
  });

  it("puts GET params in the query, including Twilio's DateSent> filter names", () => {
    const encoded = encodeRequest("GET", MESSAGES, { To: "+1555", "DateSent>": "2024-01-01", PageSize: 20 }, undefined, {
      AccountSid: "AC1",
    });
    expect(encoded.pathAndQuery).toBe("/2010-04-01/Accounts/AC1/Messages.json?To=%2B1555&DateSent%3E=2024-01-01&PageSize=20");
  });

  it("skips undefined and null params", () => {
    const encoded = encodeRequest("POST", MESSAGES, { To: "+1", Body: undefined, From: null }, undefined, { AccountSid: "AC1" });
    expect(formPairs(encoded.body!)).toEqual([["To", "+1"]]);
  });

  it("serialises object params as JSON strings in a form body", () => {
    const encoded = encodeRequest("POST", "/v1/Conversations", { Attributes: { a: 1 } }, undefined, {});
    expect(formPairs(encoded.body!)).toEqual([["Attributes", '{"a":1}']]);
  });

  it("sends JSON bodies where the spec's content type is JSON", () => {
    const encoded = encodeRequest("POST", "/v1/Assistants", { name: "x", tags: ["a"] }, { c: "application/json" }, {});
    expect(encoded.headers["Content-Type"]).toBe("application/json");
    expect(JSON.parse(encoded.body!)).toEqual({ name: "x", tags: ["a"] });
  });

  it("sends header params as headers and keeps listed query params out of the body", () => {
    const encoded = encodeRequest(
      "POST",
      "/v2/Services/{ServiceSid}/Channels",
      { ServiceSid: "IS1", FriendlyName: "x", "X-Twilio-Webhook-Enabled": "true", Extra: "q" },
      { h: ["X-Twilio-Webhook-Enabled"], q: ["Extra"] },
      {},
    );
    expect(encoded.headers["X-Twilio-Webhook-Enabled"]).toBe("true");
    expect(encoded.pathAndQuery).toBe("/v2/Services/IS1/Channels?Extra=q");
    expect(formPairs(encoded.body!)).toEqual([["FriendlyName", "x"]]);
  });

  it("rejects an invalid Date with the param's name", () => {
    expect(() => encodeRequest("POST", "/v1/X", { SendAt: new Date("nope") }, undefined, {})).toThrow(/SendAt/);
  });
});

describe("parseRoute", () => {
  it("reads the 2010 API's routes as the api domain", () => {
    expect(parseRoute("POST /2010-04-01/Accounts.json")).toEqual({ method: "POST", domain: "api", path: "/2010-04-01/Accounts.json" });
  });

  it("reads the domain from the first segment of other routes", () => {
    expect(parseRoute("GET /flex-api/v1/Configuration")).toEqual({ method: "GET", domain: "flex-api", path: "/v1/Configuration" });
  });

  it("rejects a route without a method", () => {
    expect(() => parseRoute("/v1/Services")).toThrow(/invalid route/);
  });
});
