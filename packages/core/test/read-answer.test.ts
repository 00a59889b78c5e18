import { describe, expect, it } from "vitest";
import { createClient } from "../src/client.js";
import { TwilioApiError, TwilioNotFoundError, TwilioServerError } from "../src/errors.js";
import { ACCOUNT_SID, AUTH_TOKEN, scriptedFetch } from "./helpers.js";

const LIST = "GET /2010-04-01/Accounts/{AccountSid}/Messages.json";

async function failWith(reply: { status: number; body: string; headers: Record<string, string> }): Promise<TwilioApiError> {
  const { fetch } = scriptedFetch(reply);
  const client = createClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch, maxRetries: 0 }, {});
  return (await client.request(LIST).catch((error: unknown) => error)) as TwilioApiError;
}

describe("answers that are not JSON", () => {
  it("names the status and content type of an HTML page from a proxy, with its title", async () => {
    const page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>nginx</p></body></html>";
    const error = await failWith({ status: 502, body: page, headers: { "content-type": "text/html; charset=utf-8" } });
    expect(error).toBeInstanceOf(TwilioServerError);
    expect(error.status).toBe(502);
    expect(error.message).toContain("failed with 502");
    expect(error.message).toContain("the answer was text/html, not JSON (likely from a proxy or gateway, not Twilio): 502 Bad Gateway");
    expect(error.message).not.toMatch(/Unexpected token|JSON\.parse|SyntaxError/);
  });

  it("reads Twilio's XML RestException into code, message and more_info", async () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><TwilioResponse><RestException><Code>20404</Code><Message>The requested resource /2010-04-01/Accounts was not found</Message><MoreInfo>https://www.twilio.com/docs/errors/20404</MoreInfo><Status>404</Status></RestException></TwilioResponse>';
    const error = await failWith({ status: 404, body: xml, headers: { "content-type": "application/xml" } });
    expect(error).toBeInstanceOf(TwilioNotFoundError);
    expect(error.code).toBe(20404);
    expect(error.moreInfo).toBe("https://www.twilio.com/docs/errors/20404");
    expect(error.message).toContain("the answer was application/xml, not JSON: The requested resource /2010-04-01/Accounts was not found");
  });

  it("turns a 200 answer that is not JSON (a captive portal) into an error naming its content type", async () => {
    const error = await failWith({ status: 200, body: "<html><title>Sign in to Wi-Fi</title></html>", headers: { "content-type": "text/html" } });
    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error.status).toBe(200);
    expect(error.message).toContain("failed with 200: the answer was text/html, not JSON");
    expect(error.message).toContain("Sign in to Wi-Fi");
  });

  it("says when there was no content type and shortens long plain text", async () => {
    const error = await failWith({ status: 503, body: "x".repeat(5000), headers: { "content-type": "" } });
    expect(error.message).toContain("the answer was no content type, not JSON: xxx");
    expect(error.message.length).toBeLessThan(400);
  });

  it("keeps Twilio's JSON error message as it is", async () => {
    const body = JSON.stringify({ code: 20404, message: "Not found", more_info: "https://www.twilio.com/docs/errors/20404", status: 404 });
    const error = await failWith({ status: 404, body, headers: { "content-type": "application/json" } });
    expect(error.message).toMatch(/failed with 404 \(code 20404\): Not found$/);
  });
});
