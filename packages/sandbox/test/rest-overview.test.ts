// The examples of Twilio's "REST APIs" overview, run against the sandbox with the host swapped:
// the account list as XML (the first example) and as JSON, the same with API keys refused or allowed
// as Twilio does, and an SMS sent.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { parseXml, valuesOf } from "./xml-tree.js";

let sandbox: SandboxHandle;
beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterEach(() => sandbox.stop());

// what `curl -u user:password` sends
const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });
// `curl -G {url} -u user:password` (no data, so -G adds nothing to the query)
const curlGet = (path: string, user: string, password: string) => fetch(`${sandbox.url}/api${path}`, { headers: basic(user, password) });
// `curl -X POST {url} --data-urlencode k=v … -u user:password`
const curlPost = (path: string, form: Record<string, string>, user: string, password: string) =>
  fetch(`${sandbox.url}/api${path}`, {
    method: "POST",
    headers: { ...basic(user, password), "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });

async function createKey(form: Record<string, string> = {}): Promise<{ sid: string; secret: string }> {
  const response = await fetch(`${sandbox.url}/iam/v1/Keys`, {
    method: "POST",
    headers: { ...basic(sandbox.accountSid, sandbox.authToken), "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ AccountSid: sandbox.accountSid, ...form }).toString(),
  });
  expect(response.status).toBe(201);
  return response.json();
}

describe("Twilio's REST API overview, against the sandbox", () => {
  it("curl -G /2010-04-01/Accounts -u AC…:token answers the account list as XML", async () => {
    const response = await curlGet("/2010-04-01/Accounts", sandbox.accountSid, sandbox.authToken);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/xml/);
    const text = await response.text();
    expect(text.startsWith("<?xml version='1.0' encoding='UTF-8'?>\n<TwilioResponse><Accounts ")).toBe(true);
    const list = parseXml(text).children[0]!;
    expect(list.children.map((account) => valuesOf(account).Sid)).toEqual([sandbox.accountSid]);
  });

  it("curl -G /2010-04-01/Accounts.json answers the same list as JSON", async () => {
    const response = await curlGet("/2010-04-01/Accounts.json", sandbox.accountSid, sandbox.authToken);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = await response.json();
    expect(body.accounts.map((account: { sid: string }) => account.sid)).toEqual([sandbox.accountSid]);
    expect(body).toMatchObject({ page: 0, page_size: 50, first_page_uri: "/2010-04-01/Accounts.json?PageSize=50&Page=0" });
  });

  it("refuses the account list to a standard key (401, 20003) in both representations", async () => {
    const key = await createKey();
    const xml = await curlGet("/2010-04-01/Accounts", key.sid, key.secret);
    expect(xml.status).toBe(401);
    expect(valuesOf(parseXml(await xml.text()).children[0]!)).toMatchObject({ Code: "20003", Status: "401" });
    const json = await curlGet("/2010-04-01/Accounts.json", key.sid, key.secret);
    expect(await json.json()).toMatchObject({ code: 20003, status: 401 });
  });

  it("gives the account list, auth token included, to a main key", async () => {
    const key = await createKey({ KeyType: "main" });
    const response = await curlGet("/2010-04-01/Accounts.json", key.sid, key.secret);
    expect(response.status).toBe(200);
    expect((await response.json()).accounts[0]).toMatchObject({ sid: sandbox.accountSid, auth_token: sandbox.authToken });
  });

  it("sends an SMS with POST …/Messages.json, with the account's token and with a standard key", async () => {
    const path = `/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`;
    const form = { From: sandbox.phoneNumber, To: "+15558675310", Body: "Hello from the sandbox" };
    const response = await curlPost(path, form, sandbox.accountSid, sandbox.authToken);
    expect(response.status).toBe(201);
    const message = await response.json();
    expect(message).toMatchObject({ status: "queued", direction: "outbound-api", body: "Hello from the sandbox", num_segments: "1" });
    const key = await createKey();
    expect((await curlPost(path, form, key.sid, key.secret)).status).toBe(201);
    await sandbox.advance(5_000);
    await sandbox.waitForMessageStatus(message.sid, "delivered");
  });
});
