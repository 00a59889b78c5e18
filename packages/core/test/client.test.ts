import { afterEach, describe, expect, it, vi } from "vitest";
import {
  TwilioApiError,
  TwilioAuthenticationError,
  TwilioConnectionError,
  TwilioError,
  TwilioInvalidRequestError,
  TwilioNotFoundError,
  TwilioRateLimitError,
  TwilioServerError,
  createTwilio,
  type RequestLogEvent,
} from "../src/index.js";
import { ACCOUNT_SID, AUTH_TOKEN, scriptedFetch } from "./helpers.js";

const SEND = "POST /2010-04-01/Accounts/{AccountSid}/Messages.json";
const LIST = "GET /2010-04-01/Accounts/{AccountSid}/Messages.json";
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

describe("credentials", () => {
  it("authenticates with the account SID and auth token", async () => {
    const { fetch, seen } = scriptedFetch({ status: 201, body: { sid: "SM1" } });
    await createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch }).request(SEND, { To: "+1", Body: "x" });
    expect(seen[0]!.headers.authorization).toBe(basic(ACCOUNT_SID, AUTH_TOKEN));
  });

  it("authenticates with an API key and secret while acting on the account", async () => {
    const { fetch, seen } = scriptedFetch({ status: 201, body: {} });
    await createTwilio({ accountSid: ACCOUNT_SID, apiKey: "SK1", apiSecret: "s3cret", fetch }).request(SEND, { To: "+1" });
    expect(seen[0]!.headers.authorization).toBe(basic("SK1", "s3cret"));
    expect(seen[0]!.url).toContain(`/Accounts/${ACCOUNT_SID}/Messages.json`);
  });

  it("reads credentials and the base URL from TWILIO_* environment variables", async () => {
    vi.stubEnv("TWILIO_ACCOUNT_SID", ACCOUNT_SID);
    vi.stubEnv("TWILIO_AUTH_TOKEN", AUTH_TOKEN);
    vi.stubEnv("TWILIO_BASE_URL", "http://127.0.0.1:4010/");
    const { fetch, seen } = scriptedFetch({ body: { messages: [] } });
    await createTwilio({ fetch }).request(LIST);
    expect(seen[0]!.url).toBe(`http://127.0.0.1:4010/api/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(seen[0]!.headers.authorization).toBe(basic(ACCOUNT_SID, AUTH_TOKEN));
  });

  it("reads an API key pair from the environment", async () => {
    vi.stubEnv("TWILIO_ACCOUNT_SID", ACCOUNT_SID);
    vi.stubEnv("TWILIO_AUTH_TOKEN", "");
    vi.stubEnv("TWILIO_API_KEY", "SKenv");
    vi.stubEnv("TWILIO_API_SECRET", "envsecret");
    const { fetch, seen } = scriptedFetch({ body: {} });
    await createTwilio({ fetch }).request(LIST);
    expect(seen[0]!.headers.authorization).toBe(basic("SKenv", "envsecret"));
  });

  it("refuses to start without credentials and says how to give them", () => {
    vi.stubEnv("TWILIO_ACCOUNT_SID", "");
    vi.stubEnv("TWILIO_AUTH_TOKEN", "");
    expect(() => createTwilio({})).toThrow(/TWILIO_ACCOUNT_SID/);
    expect(() => createTwilio({ accountSid: ACCOUNT_SID })).toThrow(/authToken/);
  });

  it("explains an API key passed as the account SID", () => {
    expect(() => createTwilio({ accountSid: "SK0123456789abcdef0123456789abcdef", authToken: "x" })).toThrow(/API key SID/);
  });

  it("requires the secret of an API key", () => {
    expect(() => createTwilio({ accountSid: ACCOUNT_SID, apiKey: "SK1" })).toThrow(/apiSecret/);
  });
});

describe("base URLs", () => {
  it("sends https://{domain}.twilio.com{path} by default", async () => {
    const { fetch, seen } = scriptedFetch({ body: { services: [], meta: {} } });
    await createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch }).request("GET /messaging/v1/Services");
    expect(seen[0]!.url).toBe("https://messaging.twilio.com/v1/Services");
  });

  it("maps every domain under a baseUrl string as {baseUrl}/{domain}{path}", async () => {
    const { fetch, seen } = scriptedFetch({ body: {} });
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch, baseUrl: "http://127.0.0.1:4010" });
    await twilio.request("GET /verify/v2/Services/{Sid}", { Sid: "VA1" });
    expect(seen[0]!.url).toBe("http://127.0.0.1:4010/verify/v2/Services/VA1");
  });

  it("accepts a function from domain to base", async () => {
    const { fetch, seen } = scriptedFetch({ body: {} });
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch, baseUrl: (d) => `http://${d}.local:9/` });
    await twilio.request("GET /lookups/v2/PhoneNumbers/{PhoneNumber}", { PhoneNumber: "+15005550006" });
    expect(seen[0]!.url).toBe("http://lookups.local:9/v2/PhoneNumbers/%2B15005550006");
  });

  it("builds api.{edge}.{region}.twilio.com from region and edge, with us1 as the default region", async () => {
    const { fetch, seen } = scriptedFetch({ body: {} });
    await createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch, region: "ie1", edge: "dublin" }).request(LIST);
    await createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch, edge: "sydney" }).request(LIST);
    expect(new URL(seen[0]!.url).host).toBe("api.dublin.ie1.twilio.com");
    expect(new URL(seen[1]!.url).host).toBe("api.sydney.us1.twilio.com");
  });

  it("rejects a baseUrl that is not a URL", () => {
    expect(() => createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: "localhost:4010" })).toThrow(/baseUrl/);
  });
});

describe("errors", () => {
  const errorBody = (code: number, status: number) => ({
    code,
    message: "The 'To' number is not a valid phone number.",
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  });

  it.each([
    [400, TwilioInvalidRequestError],
    [401, TwilioAuthenticationError],
    [404, TwilioNotFoundError],
    [500, TwilioServerError],
  ])("throws the %i subclass with Twilio's code and more_info", async (status, ErrorClass) => {
    const { fetch } = scriptedFetch({ status, body: errorBody(21211, status) });
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch, maxRetries: 0 });
    const error = await twilio.request(SEND, { To: "nope" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error).toMatchObject({ status, code: 21211, moreInfo: "https://www.twilio.com/docs/errors/21211" });
    expect(TwilioError.isInstance(error)).toBe(true);
  });

  it("recognises errors from another copy of the package by their marker", () => {
    const foreign = Object.assign(new Error("x"), { [Symbol.for("@twilio-kit/core/error")]: true });
    expect(TwilioError.isInstance(foreign)).toBe(true);
    expect(TwilioError.isInstance(new Error("x"))).toBe(false);
  });

  it("keeps a non-JSON error body readable", async () => {
    const { fetch } = scriptedFetch({ status: 502, body: "<html>Bad gateway</html>" });
    const error = (await createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch, maxRetries: 0 })
      .request(LIST)
      .catch((e: unknown) => e)) as TwilioServerError;
    expect(error.code).toBeUndefined();
    expect(error.message).toContain("Bad gateway");
  });

  it("never puts the auth token or the Authorization header in an error", async () => {
    const { fetch } = scriptedFetch({ status: 401, body: { code: 20003, message: "Authenticate", status: 401 } });
    const error = await createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch })
      .request(LIST)
      .catch((e: unknown) => e);
    const dump = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`;
    expect(dump).not.toContain(AUTH_TOKEN);
    expect(dump).not.toContain(basic(ACCOUNT_SID, AUTH_TOKEN).slice(6));
  });

  it("wraps network failures in TwilioConnectionError with the cause", async () => {
    const cause = new TypeError("fetch failed");
    const { fetch } = scriptedFetch(cause);
    const error = (await createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch, maxRetries: 0 })
      .request(SEND, { To: "+1" })
      .catch((e: unknown) => e)) as TwilioConnectionError;
    expect(error).toBeInstanceOf(TwilioConnectionError);
    expect(error.cause).toBe(cause);
    expect(error.isTimeout).toBe(false);
  });
});

describe("retries", () => {
  it("retries a 429 after the Retry-After delay and then succeeds", async () => {
    const { fetch, seen } = scriptedFetch(
      { status: 429, body: { code: 20429, message: "Too Many Requests", status: 429 }, headers: { "retry-after": "0" } },
      { status: 201, body: { sid: "SM1" } },
    );
    const result = await createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch }).request(SEND, { To: "+1" });
    expect(result).toEqual({ sid: "SM1" });
    expect(seen).toHaveLength(2);
  });

  it("gives up after maxRetries and exposes retryAfterMs", async () => {
    const { fetch, seen } = scriptedFetch({ status: 429, body: { code: 20429, status: 429 }, headers: { "retry-after": "0" } });
    const error = (await createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch, maxRetries: 2 })
      .request(LIST)
      .catch((e: unknown) => e)) as TwilioRateLimitError;
    expect(error).toBeInstanceOf(TwilioRateLimitError);
    expect(error.retryAfterMs).toBe(0);
    expect(seen).toHaveLength(3);
  });

  it("retries 503 for a POST: Twilio did not act on it", async () => {
    const { fetch, seen } = scriptedFetch({ status: 503, body: {}, headers: { "retry-after": "0" } }, { status: 201, body: {} });
    await createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch }).request(SEND, { To: "+1" });
    expect(seen).toHaveLength(2);
  });

  it("never retries a POST after a network error, so an SMS is not sent twice", async () => {
    const { fetch, seen } = scriptedFetch(new TypeError("socket hang up"), { status: 201, body: {} });
    await expect(createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch }).request(SEND, { To: "+1" })).rejects.toBeInstanceOf(
      TwilioConnectionError,
    );
    expect(seen).toHaveLength(1);
  });

  it("retries a GET after a network error", async () => {
    const { fetch, seen } = scriptedFetch(new TypeError("ECONNRESET"), { body: { messages: [] } });
    await createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch }).request(LIST);
    expect(seen).toHaveLength(2);
  });

  it("does not retry other 4xx answers", async () => {
    const { fetch, seen } = scriptedFetch({ status: 400, body: { code: 21602, status: 400 } });
    await expect(createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch }).request(SEND, { To: "+1" })).rejects.toThrow();
    expect(seen).toHaveLength(1);
  });
});

describe("timeouts and aborts", () => {
  const hangingFetch = (async (_url: string, init: RequestInit) =>
    new Promise((_, reject) => init.signal!.addEventListener("abort", () => reject(init.signal!.reason)))) as unknown as typeof fetch;

  it("ends a hanging request after timeoutMs with a timeout error", async () => {
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch: hangingFetch, timeoutMs: 20, maxRetries: 0 });
    const error = (await twilio.request(SEND, { To: "+1" }).catch((e: unknown) => e)) as TwilioConnectionError;
    expect(error).toBeInstanceOf(TwilioConnectionError);
    expect(error.isTimeout).toBe(true);
  });

  it("aborts with the caller's signal and its reason", async () => {
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch: hangingFetch });
    const controller = new AbortController();
    const pending = twilio.request(LIST, {}, { signal: controller.signal });
    controller.abort(new Error("user cancelled"));
    await expect(pending).rejects.toThrow("user cancelled");
  });
});

describe("logger", () => {
  it("reports requests and responses without credentials", async () => {
    const events: RequestLogEvent[] = [];
    const { fetch } = scriptedFetch({ status: 201, body: {} });
    await createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch, logger: (e) => events.push(e) }).request(SEND, {
      To: "+1",
    });
    expect(events.map((e) => e.type)).toEqual(["request", "response"]);
    expect(JSON.stringify(events)).not.toContain(AUTH_TOKEN);
  });
});

describe("headers", () => {
  it("sends a twilio-kit User-Agent with the caller's extensions and per-call headers", async () => {
    const { fetch, seen } = scriptedFetch({ status: 201, body: {} });
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch, userAgent: ["my-app/1.0"] });
    await twilio.request(SEND, { To: "+1" }, { headers: { "I-Twilio-Idempotency-Token": "abc" } });
    expect(seen[0]!.headers["user-agent"]).toMatch(/^twilio-kit\/\S+ \(node\/[\d.]+\) my-app\/1\.0$/);
    expect(seen[0]!.headers["i-twilio-idempotency-token"]).toBe("abc");
    expect(seen[0]!.headers.accept).toBe("application/json");
  });

  it("resolves 204 No Content to undefined", async () => {
    const { fetch } = scriptedFetch({ status: 204 });
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch });
    await expect(twilio.request("DELETE /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json", { Sid: "SM1" })).resolves.toBeUndefined();
  });
});
