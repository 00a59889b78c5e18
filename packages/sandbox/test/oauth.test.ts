// The OAuth 2.0 client-credentials token endpoint and bearer tokens on the API, with plain fetch.
import { request as httpRequest } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { createTwilio } from "@twilio-kit/core";
import { api, control } from "./helpers.js";

let sandbox: SandboxHandle;
beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterEach(() => sandbox.stop());

async function tokenRequest(form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${sandbox.url}/oauth/v2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}
async function newClient(): Promise<{ client_id: string; client_secret: string }> {
  const created = await control(sandbox.url, "POST", "/oauth/clients", { friendlyName: "ci" });
  expect(created.status).toBe(201);
  return created.body;
}
async function tokenFor(clientId: string, clientSecret: string): Promise<string> {
  const answer = await tokenRequest({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret });
  expect(answer.status).toBe(200);
  return answer.body.access_token;
}
const bearer = (token: string, path = `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, init: RequestInit = {}) =>
  fetch(`${sandbox.url}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8"));

describe("POST /oauth/v2/token", () => {
  it("exchanges registered client credentials for a short-lived bearer token in Twilio's shape", async () => {
    const client = await newClient();
    expect(client.client_id).toMatch(/^OQ[0-9a-f]{32}$/);
    const answer = await tokenRequest({ grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.body).toEqual({ access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), refresh_token: null, id_token: null, token_type: "bearer", expires_in: 3600 });
    const payload = claims(answer.body.access_token);
    expect(payload).toMatchObject({ sub: client.client_id, account_sid: sandbox.accountSid });
    expect(payload.exp - payload.iat).toBe(3600);
    const clock = (await control(sandbox.url, "GET", "/clock")).body;
    expect(payload.iat).toBe(Math.floor(clock.now / 1000));
  });

  it("accepts an API key SID and secret as client id and secret, in the form or as HTTP Basic", async () => {
    const key = (await api(sandbox.url, "POST", `/api/2010-04-01/Accounts/${sandbox.accountSid}/Keys.json`, { user: sandbox.accountSid, password: sandbox.authToken })).body;
    const token = await tokenFor(key.sid, key.secret);
    expect(claims(token)).toMatchObject({ sub: key.sid, key_sid: key.sid });
    const basic = await tokenRequest({ grant_type: "client_credentials" }, { Authorization: `Basic ${Buffer.from(`${key.sid}:${key.secret}`).toString("base64")}` });
    expect(basic.status).toBe(200);
  });

  it("refuses unknown credentials with 401 / 20003 and bad grants with 400", async () => {
    const client = await newClient();
    expect(await tokenRequest({ grant_type: "client_credentials", client_id: client.client_id, client_secret: "x" + client.client_secret.slice(1) })).toMatchObject({ status: 401, body: { code: 20003 } });
    expect(await tokenRequest({ grant_type: "client_credentials", client_id: `OQ${"0".repeat(32)}`, client_secret: "nope" })).toMatchObject({ status: 401, body: { code: 20003 } });
    expect(await tokenRequest({ grant_type: "password", client_id: client.client_id, client_secret: client.client_secret })).toMatchObject({ status: 400, body: { code: 20001 } });
    expect(await tokenRequest({ client_id: client.client_id, client_secret: client.client_secret })).toMatchObject({ status: 400 });
    expect(await tokenRequest({ grant_type: "client_credentials" })).toMatchObject({ status: 400 });
  });

  it("answers on the oauth.twilio.com host as well", async () => {
    const client = await newClient();
    // fetch cannot set Host: a raw request, as a client behind an HTTP proxy sends it
    const body = new URLSearchParams({ grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret }).toString();
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(sandbox.url);
      const req = httpRequest({ host: url.hostname, port: url.port, method: "POST", path: "/v2/token", headers: { Host: "oauth.twilio.com", "Content-Type": "application/x-www-form-urlencoded", "Content-Length": Buffer.byteLength(body) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(body);
    });
    expect(status).toBe(200);
  });
});

describe("bearer tokens on the API", () => {
  it("authorize API requests for the client's account: list and send", async () => {
    const client = await newClient();
    const token = await tokenFor(client.client_id, client.client_secret);
    expect((await bearer(token)).status).toBe(200);
    const sent = await bearer(token, `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ To: "+15558675310", From: sandbox.phoneNumber, Body: "via OAuth" }).toString(),
    });
    expect(sent.status).toBe(201);
    expect((await bearer(token, "/api/2010-04-01/Accounts.json")).status).toBe(200);
  });

  it("reject expired tokens with 401 / 20003 once the clock passes exp", async () => {
    const client = await newClient();
    const token = await tokenFor(client.client_id, client.client_secret);
    await sandbox.advance(3_599_000);
    expect((await bearer(token)).status).toBe(200);
    await sandbox.advance(1_000);
    const expired = await bearer(token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ code: 20003, status: 401 });
  });

  it("reject forged tokens: a changed signature, a changed claim, alg none, another sandbox's key", async () => {
    const client = await newClient();
    const token = await tokenFor(client.client_id, client.client_secret);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const flipped = signature.slice(0, -2) + (signature.at(-2) === "A" ? "B" : "A") + signature.at(-1);
    const otherAccount = Buffer.from(JSON.stringify({ ...claims(token), account_sid: `AC${"1".repeat(32)}` })).toString("base64url");
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${payload}.`;
    const other = await startSandbox({ clock: "manual" });
    let foreign: string;
    try {
      const otherClient = (await control(other.url, "POST", "/oauth/clients", {})).body;
      const answer = await fetch(`${other.url}/oauth/v2/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: `grant_type=client_credentials&client_id=${otherClient.client_id}&client_secret=${otherClient.client_secret}` });
      foreign = (await answer.json()).access_token;
    } finally {
      await other.stop();
    }
    for (const forged of [`${header}.${payload}.${flipped}`, `${header}.${otherAccount}.${signature}`, none, foreign, "garbage", `${token}x`]) {
      const response = await bearer(forged);
      expect(response.status, forged.slice(0, 20)).toBe(401);
      expect((await response.json()).code).toBe(20003);
    }
  });

  it("keep an API key's limits and die with the key", async () => {
    const key = (await api(sandbox.url, "POST", `/api/2010-04-01/Accounts/${sandbox.accountSid}/Keys.json`, { user: sandbox.accountSid, password: sandbox.authToken })).body;
    const token = await tokenFor(key.sid, key.secret);
    expect((await bearer(token)).status).toBe(200);
    // a standard key's token reaches no more than the key
    expect((await bearer(token, "/api/2010-04-01/Accounts.json")).status).toBe(401);
    await api(sandbox.url, "DELETE", `/api/2010-04-01/Accounts/${sandbox.accountSid}/Keys/${key.sid}.json`, { user: sandbox.accountSid, password: sandbox.authToken });
    expect((await bearer(token)).status).toBe(401);
  });

  it("stop working after a reset (new signing key, clients gone)", async () => {
    const client = await newClient();
    const token = await tokenFor(client.client_id, client.client_secret);
    await control(sandbox.url, "POST", "/reset");
    expect((await bearer(token)).status).toBe(401);
    expect((await tokenRequest({ grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret })).status).toBe(401);
  });
});

describe("@twilio-kit/core's oauth option against the sandbox", () => {
  it("fetches one token for a burst of requests and sends with it", async () => {
    const client = await newClient();
    let tokenRequests = 0;
    const countingFetch: typeof fetch = (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith("/oauth/v2/token")) tokenRequests++;
      return fetch(input, init);
    };
    const twilio = createTwilio({ accountSid: sandbox.accountSid, oauth: { clientId: client.client_id, clientSecret: client.client_secret }, baseUrl: sandbox.url, fetch: countingFetch });
    const sent = await Promise.all(
      Array.from({ length: 10 }, (_, i) => twilio.request("POST /2010-04-01/Accounts/{AccountSid}/Messages.json", { To: "+15558675310", From: sandbox.phoneNumber, Body: `burst ${i}` })),
    );
    expect(sent.every((message) => /^SM[0-9a-f]{32}$/.test(String(message.sid)))).toBe(true);
    expect(tokenRequests).toBe(1);
  });
});
