import { afterEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../src/client.js";
import { TwilioAuthenticationError, TwilioInvalidRequestError } from "../src/errors.js";
import type { RequestLogEvent } from "../src/send-with-retry.js";
import { ACCOUNT_SID, startServer, type SeenRequest } from "./helpers.js";

const LIST = "GET /2010-04-01/Accounts/{AccountSid}/Messages.json";
const CLIENT_ID = "OQ0123456789abcdef0123456789abcdef";
const CLIENT_SECRET = "oauth_client_secret_do_not_leak_42";
const TOKEN_URL = "https://oauth.twilio.com/v2/token";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

const base64Url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An unsigned JWT-shaped token expiring `lifetimeSec` from the current (possibly faked) clock. */
function jwt(name: string, lifetimeSec: number): string {
  const exp = Math.floor(Date.now() / 1000) + lifetimeSec;
  return `${base64Url({ alg: "RS256", typ: "JWT" })}.${base64Url({ sub: name, exp })}.c2lnbmF0dXJl`;
}

type Reply = { status: number; body: unknown; delayMs?: number };

/**
 * A fetch playing both the token endpoint and the API. `tokens()` makes the next token answer;
 * `api(authorization)` answers an API call.
 */
function twilioFetch(tokens: () => Reply, api: (authorization: string) => Reply = () => ({ status: 200, body: { messages: [] } })) {
  const tokenRequests: SeenRequest[] = [];
  const apiRequests: SeenRequest[] = [];
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
    const seen = { method: init?.method ?? "GET", url: String(input), headers, body: String(init?.body ?? "") };
    const isToken = seen.url === TOKEN_URL;
    (isToken ? tokenRequests : apiRequests).push(seen);
    const reply = isToken ? tokens() : api(headers.authorization ?? "");
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    return new Response(JSON.stringify(reply.body), { status: reply.status, headers: { "content-type": "application/json" } });
  };
  return { fetch: fetchImpl as typeof fetch, tokenRequests, apiRequests };
}

/** Token answers in Twilio's shape, numbered token-1, token-2, … */
function tokenSequence(lifetimeSec = 3600, delayMs = 0) {
  let count = 0;
  const issued: string[] = [];
  const next = (): Reply => {
    const token = jwt(`token-${++count}`, lifetimeSec);
    issued.push(token);
    return { status: 200, delayMs, body: { access_token: token, refresh_token: null, id_token: null, token_type: "Bearer", expires_in: lifetimeSec } };
  };
  return { next, issued };
}

const oauthClient = (fetchImpl: typeof fetch, extra: object = {}) =>
  createClient({ accountSid: ACCOUNT_SID, oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, fetch: fetchImpl, ...extra }, {});

describe("OAuth client credentials", () => {
  it("posts client_credentials to oauth.twilio.com/v2/token and sends the token as a Bearer", async () => {
    const tokens = tokenSequence();
    const { fetch, tokenRequests, apiRequests } = twilioFetch(tokens.next);
    await oauthClient(fetch).request(LIST);
    expect(tokenRequests).toHaveLength(1);
    const [tokenRequest] = tokenRequests;
    expect(tokenRequest!.method).toBe("POST");
    expect(tokenRequest!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(tokenRequest!.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(tokenRequest!.body))).toEqual({
      grant_type: "client_credentials",
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(apiRequests[0]!.headers.authorization).toBe(`Bearer ${tokens.issued[0]}`);
  });

  it("asks {baseUrl}/oauth/v2/token when a baseUrl is set, like every other domain", async () => {
    const tokens = tokenSequence();
    const server = await startServer((request) =>
      request.url === "/oauth/v2/token" ? (tokens.next() as { status: number; body: unknown }) : { status: 200, body: { messages: [] } },
    );
    try {
      await createClient({ accountSid: ACCOUNT_SID, oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, baseUrl: server.url }, {}).request(LIST);
      expect(server.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
        "POST /oauth/v2/token",
        `GET /api/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`,
      ]);
      expect(server.seen[1]!.headers.authorization).toBe(`Bearer ${tokens.issued[0]}`);
    } finally {
      await server.close();
    }
  });

  it("takes tokens from the global oauth.twilio.com for a regional client", async () => {
    const tokens = tokenSequence();
    const { fetch, tokenRequests, apiRequests } = twilioFetch(tokens.next);
    await oauthClient(fetch, { region: "ie1", edge: "dublin" }).request(LIST);
    expect(tokenRequests.map((r) => r.url)).toEqual([TOKEN_URL]);
    expect(apiRequests[0]!.url).toMatch(/^https:\/\/api\.dublin\.ie1\.twilio\.com\//);
  });

  it("reads TWILIO_CLIENT_ID and TWILIO_CLIENT_SECRET, which win over an auth token in the environment", async () => {
    vi.stubEnv("TWILIO_ACCOUNT_SID", ACCOUNT_SID);
    vi.stubEnv("TWILIO_AUTH_TOKEN", "env_auth_token");
    vi.stubEnv("TWILIO_CLIENT_ID", CLIENT_ID);
    vi.stubEnv("TWILIO_CLIENT_SECRET", CLIENT_SECRET);
    const tokens = tokenSequence();
    const { fetch, apiRequests } = twilioFetch(tokens.next);
    await createClient({ fetch }, {}).request(LIST);
    expect(apiRequests[0]!.headers.authorization).toBe(`Bearer ${tokens.issued[0]}`);
  });

  it("lets an explicit auth token win over OAuth credentials in the environment", async () => {
    vi.stubEnv("TWILIO_CLIENT_ID", CLIENT_ID);
    vi.stubEnv("TWILIO_CLIENT_SECRET", CLIENT_SECRET);
    const { fetch, tokenRequests, apiRequests } = twilioFetch(tokenSequence().next);
    await createClient({ accountSid: ACCOUNT_SID, authToken: "explicit", fetch }, {}).request(LIST);
    expect(tokenRequests).toHaveLength(0);
    expect(apiRequests[0]!.headers.authorization).toMatch(/^Basic /);
  });

  it("rejects missing or conflicting OAuth options with a TypeError naming them", () => {
    vi.stubEnv("TWILIO_CLIENT_SECRET", "");
    expect(() => createClient({ accountSid: ACCOUNT_SID, oauth: { clientId: CLIENT_ID, clientSecret: "" } }, {})).toThrow(/oauth needs a clientSecret/);
    expect(() => createClient({ accountSid: ACCOUNT_SID, oauth: { clientId: "", clientSecret: "x" } }, {})).toThrow(/oauth needs a clientId/);
    expect(() => createClient({ accountSid: ACCOUNT_SID, authToken: "t", oauth: { clientId: CLIENT_ID, clientSecret: "x" } }, {})).toThrow(
      /either oauth or authToken/,
    );
    vi.stubEnv("TWILIO_CLIENT_ID", CLIENT_ID);
    expect(() => createClient({ accountSid: ACCOUNT_SID }, {})).toThrow(/TWILIO_CLIENT_SECRET/);
  });

  it("reuses the cached token and refreshes it 30 s before exp", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-01-01T00:00:00Z") });
    const tokens = tokenSequence(3600);
    const { fetch, tokenRequests, apiRequests } = twilioFetch(tokens.next);
    const client = oauthClient(fetch);
    await client.request(LIST);
    vi.setSystemTime(Date.parse("2026-01-01T00:59:29Z")); // 31 s before exp
    await client.request(LIST);
    expect(tokenRequests).toHaveLength(1);
    vi.setSystemTime(Date.parse("2026-01-01T00:59:31Z")); // 29 s before exp
    await client.request(LIST);
    expect(tokenRequests).toHaveLength(2);
    expect(apiRequests.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${tokens.issued[0]}`,
      `Bearer ${tokens.issued[0]}`,
      `Bearer ${tokens.issued[1]}`,
    ]);
  });

  it("refreshes a short-lived token at half its lifetime rather than on every request", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-01-01T00:00:00Z") });
    const { fetch, tokenRequests } = twilioFetch(tokenSequence(20).next);
    const client = oauthClient(fetch);
    await client.request(LIST);
    vi.setSystemTime(Date.parse("2026-01-01T00:00:09Z"));
    await client.request(LIST);
    expect(tokenRequests).toHaveLength(1);
    vi.setSystemTime(Date.parse("2026-01-01T00:00:11Z"));
    await client.request(LIST);
    expect(tokenRequests).toHaveLength(2);
  });

  it("makes exactly one token request for 100 concurrent requests on an expired token", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-01-01T00:00:00Z") });
    const tokens = tokenSequence(3600, 20);
    const { fetch, tokenRequests, apiRequests } = twilioFetch(tokens.next);
    const client = oauthClient(fetch);
    await Promise.all(Array.from({ length: 100 }, () => client.request(LIST)));
    expect(tokenRequests).toHaveLength(1);
    vi.setSystemTime(Date.parse("2026-01-01T02:00:00Z")); // long expired
    await Promise.all(Array.from({ length: 100 }, () => client.request(LIST)));
    expect(tokenRequests).toHaveLength(2);
    expect(apiRequests).toHaveLength(200);
    expect(new Set(apiRequests.slice(100).map((r) => r.headers.authorization))).toEqual(new Set([`Bearer ${tokens.issued[1]}`]));
  });

  it("retries a 401 once with a fresh token", async () => {
    const tokens = tokenSequence();
    const { fetch, tokenRequests, apiRequests } = twilioFetch(tokens.next, (authorization) =>
      authorization === `Bearer ${tokens.issued[0]}` ? { status: 401, body: { code: 20003, message: "Authenticate", status: 401 } } : { status: 200, body: { ok: true } },
    );
    await expect(oauthClient(fetch).request(LIST)).resolves.toEqual({ ok: true });
    expect(tokenRequests).toHaveLength(2);
    expect(apiRequests.map((r) => r.headers.authorization)).toEqual([`Bearer ${tokens.issued[0]}`, `Bearer ${tokens.issued[1]}`]);
  });

  it("gives up after the second 401 with TwilioAuthenticationError", async () => {
    const { fetch, tokenRequests, apiRequests } = twilioFetch(tokenSequence().next, () => ({
      status: 401,
      body: { code: 20003, message: "Authenticate", status: 401 },
    }));
    const error = await oauthClient(fetch).request(LIST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwilioAuthenticationError);
    expect(tokenRequests).toHaveLength(2);
    expect(apiRequests).toHaveLength(2);
  });

  it("fetches one fresh token when many concurrent requests are refused with the same token", async () => {
    const tokens = tokenSequence(3600, 10);
    let refused = 0;
    // The refusals arrive spread over 60 ms, most of them after the fresh token came (10 ms).
    const { fetch, tokenRequests } = twilioFetch(tokens.next, (authorization) =>
      authorization === `Bearer ${tokens.issued[0]}` ? { status: 401, body: { code: 20003, status: 401 }, delayMs: 3 * ++refused } : { status: 200, body: {} },
    );
    const client = oauthClient(fetch);
    await Promise.all(Array.from({ length: 20 }, () => client.request(LIST)));
    expect(tokenRequests).toHaveLength(2);
  });

  it("lets one caller abort its wait for a token without failing the others", async () => {
    const { fetch } = twilioFetch(tokenSequence(3600, 30).next);
    const client = oauthClient(fetch);
    const controller = new AbortController();
    const aborted = client.request(LIST, {}, { signal: controller.signal });
    const other = client.request(LIST);
    controller.abort(new Error("user gave up"));
    await expect(aborted).rejects.toThrow("user gave up");
    await expect(other).resolves.toEqual({ messages: [] });
  });

  it("reports a refused token request with Twilio's OAuth error, without the secret", async () => {
    const { fetch, apiRequests } = twilioFetch(() => ({ status: 400, body: { error: "invalid_client", error_description: "client authentication failed" } }));
    const error = (await oauthClient(fetch).request(LIST).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(TwilioInvalidRequestError);
    expect(error.message).toContain(`POST ${TOKEN_URL} failed with 400: OAuth token request refused (invalid_client: client authentication failed)`);
    expect(`${String(error)} ${JSON.stringify(error)} ${error.stack}`).not.toContain(CLIENT_SECRET);
    expect(apiRequests).toHaveLength(0);
  });

  it("rejects a token answer without access_token", async () => {
    const { fetch } = twilioFetch(() => ({ status: 200, body: { token_type: "Bearer" } }));
    await expect(oauthClient(fetch).request(LIST)).rejects.toThrow(/answered without an access_token/);
  });

  it("never puts the token or the secret in errors or logger events", async () => {
    const tokens = tokenSequence();
    const events: RequestLogEvent[] = [];
    const { fetch } = twilioFetch(tokens.next, () => ({ status: 401, body: { code: 20003, message: "Authenticate", status: 401 } }));
    const error = (await oauthClient(fetch, { logger: (event: RequestLogEvent) => events.push(event) })
      .request(LIST)
      .catch((e: unknown) => e)) as Error;
    const dump = `${String(error)} ${JSON.stringify(error)} ${error.stack} ${JSON.stringify(events)}`;
    expect(events.filter((e) => e.type === "request").map((e) => e.url)).toEqual([
      TOKEN_URL,
      expect.stringContaining("/Messages.json"),
      TOKEN_URL,
      expect.stringContaining("/Messages.json"),
    ]);
    for (const secret of [CLIENT_SECRET, ...tokens.issued]) expect(dump).not.toContain(secret);
  });
});
