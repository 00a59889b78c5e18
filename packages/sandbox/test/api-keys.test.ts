// API key types: standard (no Accounts, no Keys), main (everything), restricted (its policy only),
// and credentials with no structure.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { api } from "./helpers.js";

let sandbox: SandboxHandle;
beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterEach(() => sandbox.stop());

const main = () => ({ user: sandbox.accountSid, password: sandbox.authToken });
const v2010 = (path: string) => `/api/2010-04-01/Accounts/${sandbox.accountSid}${path}`;

async function iamKey(form: Record<string, string>, as = main()) {
  return api(sandbox.url, "POST", "/iam/v1/Keys", { ...as, form: { AccountSid: sandbox.accountSid, ...form } });
}
async function send(as: { user: string; password: string }) {
  return api(sandbox.url, "POST", v2010("/Messages.json"), { ...as, form: { To: "+15558675310", From: sandbox.phoneNumber, Body: "hi" } });
}

describe("secrets and tokens", () => {
  it("gives key secrets no structure: 32 random alphanumerics, unrelated to the SID or to each other", async () => {
    const secrets: string[] = [];
    for (let i = 0; i < 20; i++) {
      const key = await api(sandbox.url, "POST", v2010("/Keys.json"), main());
      expect(key.body.secret).toMatch(/^[A-Za-z0-9]{32}$/);
      // the old secrets were the SID factory's output: 12 hex digits of the clock first
      expect(key.body.secret.slice(0, 12)).not.toBe(key.body.sid.slice(2, 14));
      secrets.push(key.body.secret);
    }
    expect(new Set(secrets.map((s) => s.slice(0, 6))).size).toBe(20);
    // not hex-only: a hex secret would show the SID factory again
    expect(secrets.some((s) => /[g-zA-Z]/.test(s))).toBe(true);
  });

  it("gives subaccounts a random 32-hex auth token that shares nothing with their SID", async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) {
      const sub = await api(sandbox.url, "POST", "/api/2010-04-01/Accounts.json", main());
      expect(sub.body.auth_token).toMatch(/^[0-9a-f]{32}$/);
      expect(sub.body.auth_token.slice(0, 12)).not.toBe(sub.body.sid.slice(2, 14));
      tokens.push(sub.body.auth_token.slice(0, 6));
    }
    expect(new Set(tokens).size).toBe(5);
  });
});

describe("standard keys", () => {
  it("reach the account's resources but not Accounts or Keys (401, 20003)", async () => {
    const key = (await api(sandbox.url, "POST", v2010("/Keys.json"), main())).body;
    const as = { user: key.sid, password: key.secret };
    expect((await send(as)).status).toBe(201);
    for (const [method, path] of [
      ["GET", "/api/2010-04-01/Accounts.json"],
      ["GET", `/api/2010-04-01/Accounts/${sandbox.accountSid}.json`],
      ["POST", "/api/2010-04-01/Accounts.json"],
      ["GET", v2010("/Keys.json")],
      ["POST", v2010("/Keys.json")],
      ["GET", `/iam/v1/Keys?AccountSid=${sandbox.accountSid}`],
    ] as const) {
      const result = await api(sandbox.url, method, path, as);
      expect(result, `${method} ${path}`).toMatchObject({ status: 401, body: { code: 20003, message: "Authenticate" } });
    }
    expect((await iamKey({ FriendlyName: "escalate" }, as)).status).toBe(401);
  });

  it("are what iam v1 creates without a KeyType", async () => {
    const created = await iamKey({ FriendlyName: "plain" });
    expect(created).toMatchObject({ status: 201, body: { friendly_name: "plain", policy: null } });
    expect(created.body.secret).toMatch(/^[A-Za-z0-9]{32}$/);
    const as = { user: created.body.sid, password: created.body.secret };
    expect((await send(as)).status).toBe(201);
    expect((await api(sandbox.url, "GET", "/api/2010-04-01/Accounts.json", as)).status).toBe(401);
  });
});

describe("main keys", () => {
  it("reach Accounts and Keys like the account's own credentials", async () => {
    const created = await iamKey({ FriendlyName: "admin", KeyType: "main" });
    expect(created.status).toBe(201);
    const as = { user: created.body.sid, password: created.body.secret };
    expect((await api(sandbox.url, "GET", "/api/2010-04-01/Accounts.json", as)).body.accounts[0].sid).toBe(sandbox.accountSid);
    expect((await api(sandbox.url, "POST", v2010("/Keys.json"), as)).status).toBe(201);
    const sub = await api(sandbox.url, "POST", "/api/2010-04-01/Accounts.json", as);
    expect(sub.status).toBe(201);
    // "Main account API Keys are only available to access main account resources"
    const subMessages = await api(sandbox.url, "GET", `/api/2010-04-01/Accounts/${sub.body.sid}/Messages.json`, as);
    expect(subMessages).toMatchObject({ status: 401, body: { code: 20003 } });
  });

  it("cannot be minted by a standard or restricted key", async () => {
    const standard = (await iamKey({})).body;
    expect((await iamKey({ KeyType: "main" }, { user: standard.sid, password: standard.secret })).status).toBe(401);
  });
});

describe("restricted keys", () => {
  it("reach exactly the operations their policy allows (403, 70051 otherwise)", async () => {
    const created = await iamKey({ KeyType: "restricted", Policy: JSON.stringify({ allow: ["/twilio/messaging/messages/create"] }) });
    expect(created).toMatchObject({ status: 201, body: { policy: { allow: ["/twilio/messaging/messages/create"] } } });
    const as = { user: created.body.sid, password: created.body.secret };
    expect((await send(as)).status).toBe(201);
    const list = await api(sandbox.url, "GET", v2010("/Messages.json"), as);
    expect(list).toMatchObject({ status: 403, body: { code: 70051 } });
    expect(list.body.detail).toContain("/twilio/messaging/messages/list");
    expect((await api(sandbox.url, "GET", v2010("/Calls.json"), as)).status).toBe(403);
    expect((await api(sandbox.url, "GET", "/api/2010-04-01/Accounts.json", as)).status).toBe(401);
  });

  it("follow a policy update at once", async () => {
    const created = (await iamKey({ KeyType: "restricted", Policy: JSON.stringify({ allow: ["/twilio/voice/calls/list"] }) })).body;
    const as = { user: created.sid, password: created.secret };
    expect((await api(sandbox.url, "GET", v2010("/Messages.json"), as)).status).toBe(403);
    const updated = await api(sandbox.url, "POST", `/iam/v1/Keys/${created.sid}`, { ...main(), form: { Policy: JSON.stringify({ allow: ["/twilio/messaging/messages/list"] }) } });
    expect(updated.body.policy).toEqual({ allow: ["/twilio/messaging/messages/list"] });
    expect((await api(sandbox.url, "GET", v2010("/Messages.json"), as)).status).toBe(200);
  });

  it("reject a missing, malformed or invalid policy with a clear 400", async () => {
    expect(await iamKey({ KeyType: "restricted" })).toMatchObject({ status: 400, body: { code: 20001 } });
    expect(await iamKey({ KeyType: "restricted", Policy: "{not json" })).toMatchObject({ status: 400, body: { code: 20001 } });
    expect(await iamKey({ KeyType: "restricted", Policy: '{"allow":[]}' })).toMatchObject({ status: 400 });
    const invalid = await iamKey({ KeyType: "restricted", Policy: '{"allow":["twilio messages"]}' });
    expect(invalid).toMatchObject({ status: 400, body: { code: 70002 } });
    const tooMany = JSON.stringify({ allow: Array.from({ length: 101 }, (_, i) => `/twilio/messaging/messages${i}/read`) });
    expect((await iamKey({ KeyType: "restricted", Policy: tooMany })).body.message).toContain("100");
    expect(await iamKey({ KeyType: "admin" })).toMatchObject({ status: 400 });
    expect(await iamKey({ KeyType: "main", Policy: '{"allow":["/twilio/voice/calls/list"]}' })).toMatchObject({ status: 400 });
  });
});

describe("iam v1 Keys", () => {
  it("lists with the meta envelope, fetches without the secret, deletes", async () => {
    const created = (await iamKey({ FriendlyName: "k1", KeyType: "restricted", Policy: '{"allow":["/twilio/voice/calls/read"]}' })).body;
    const list = await api(sandbox.url, "GET", `/iam/v1/Keys?AccountSid=${sandbox.accountSid}`, main());
    expect(list.body.meta).toMatchObject({ key: "keys", page: 0, page_size: 50 });
    expect(list.body.meta.url).toMatch(/^https:\/\/iam\.twilio\.com\/v1\/Keys\?AccountSid=AC/);
    expect(list.body.keys).toEqual([expect.objectContaining({ sid: created.sid, friendly_name: "k1", flags: ["rest_api", "signing"] })]);
    const fetched = await api(sandbox.url, "GET", `/iam/v1/Keys/${created.sid}`, main());
    expect(fetched.body).toEqual({ sid: created.sid, friendly_name: "k1", date_created: created.date_created, date_updated: created.date_updated, policy: { allow: ["/twilio/voice/calls/read"] } });
    expect((await api(sandbox.url, "DELETE", `/iam/v1/Keys/${created.sid}`, main())).status).toBe(204);
    expect((await api(sandbox.url, "GET", v2010("/Calls.json"), { user: created.sid, password: created.secret })).status).toBe(401);
    expect((await api(sandbox.url, "GET", `/iam/v1/Keys/${created.sid}`, main())).status).toBe(404);
  });

  it("requires a valid AccountSid the caller may reach", async () => {
    expect((await api(sandbox.url, "POST", "/iam/v1/Keys", { ...main(), form: {} })).body.message).toContain("AccountSid");
    expect((await iamKey({ AccountSid: "nope" })).status).toBe(400);
    expect((await iamKey({ AccountSid: `AC${"0".repeat(32)}` })).status).toBe(401);
  });
});
