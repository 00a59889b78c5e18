// `httpAuth`: webhook URLs of the form https://user:pass@host/… . Twilio first requests without
// credentials, and repeats with them after a 401 carrying `WWW-Authenticate: Basic realm="…"`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeTwilioSignature } from "../src/index.js";
import { basicChallenge, checkHttpAuth } from "../src/http-auth.js";
import { withTwilioSignatureNode } from "../src/node.js";
import { twilioWebhook } from "../src/express.js";
import { twilioPreParsingHook } from "../src/fastify.js";
import { twilioRejection, verifyTwilioRequest, withTwilioSignature } from "../src/index.js";
import { adapters, type Started } from "./servers.js";

const authToken = "http-auth-token";
const httpAuth = { username: "twilio", password: "s3cret:with-colon é" };
const form = { MessageSid: "SM" + "2".repeat(32), Body: "behind a password" };
const basic = (user: string, password: string) => "Basic " + Buffer.from(`${user}:${password}`, "utf8").toString("base64");

describe.each(Object.keys(adapters))("%s adapter with httpAuth", (name) => {
  let server: Started;
  beforeAll(async () => {
    server = await adapters[name]!({ authToken, httpAuth, exposeDetails: true });
  });
  afterAll(() => server.close());

  async function post(headers: Record<string, string>, token = authToken): Promise<Response> {
    const signature = await computeTwilioSignature(token, `${server.base}/hooks/sms`, form);
    return fetch(`${server.base}/hooks/sms`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature, ...headers },
      body: new URLSearchParams(form).toString(),
    });
  }

  it("challenges a request without credentials with 401 and WWW-Authenticate: Basic, then accepts the retry with them", async () => {
    const first = await post({});
    expect(first.status).toBe(401);
    expect(first.headers.get("www-authenticate")).toBe('Basic realm="Twilio webhooks", charset="UTF-8"');
    expect(await first.text()).toContain("missing_credentials");
    const retry = await post({ authorization: basic(httpAuth.username, httpAuth.password) });
    expect(retry.status).toBe(200);
    expect(await retry.text()).toContain(form.Body);
  });

  it("answers 401 to a wrong password or user, even with a valid signature, and never echoes the secret", async () => {
    for (const authorization of [basic(httpAuth.username, "wrong"), basic("someone", httpAuth.password), basic(httpAuth.username, httpAuth.password + "x")]) {
      const response = await post({ authorization });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
      const text = await response.text();
      expect(text).toContain("invalid_credentials");
      expect(text).not.toContain(httpAuth.password);
    }
  });

  it("still checks the signature when the credentials are right", async () => {
    const response = await post({ authorization: basic(httpAuth.username, httpAuth.password) }, "another-token");
    expect(response.status).toBe(403);
  });
});

describe("verifyTwilioRequest with httpAuth", () => {
  it("carries the challenge in the result, so twilioRejection(result) alone answers it", async () => {
    const result = await verifyTwilioRequest(new Request("https://example.com/sms", { method: "POST", body: "Body=x" }), { authToken, httpAuth });
    expect(result).toMatchObject({ ok: false, status: 401, reason: "missing_credentials" });
    if (result.ok) return;
    const response = twilioRejection(result);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Basic realm="Twilio webhooks", charset="UTF-8"');
  });
});

describe("checkHttpAuth", () => {
  it("accepts the scheme in any case and a password containing ':' and non-ASCII", () => {
    expect(checkHttpAuth(basic(httpAuth.username, httpAuth.password), httpAuth)).toBeUndefined();
    expect(checkHttpAuth(basic(httpAuth.username, httpAuth.password).replace("Basic", "bAsIc"), httpAuth)).toBeUndefined();
  });

  it("treats no header and other schemes as missing credentials", () => {
    expect(checkHttpAuth(undefined, httpAuth)).toBe("missing_credentials");
    expect(checkHttpAuth("", httpAuth)).toBe("missing_credentials");
    expect(checkHttpAuth('Digest username="twilio"', httpAuth)).toBe("missing_credentials");
    expect(checkHttpAuth("Bearer abc", httpAuth)).toBe("missing_credentials");
  });

  it("refuses malformed Basic credentials: junk after the padding, bad base64, no colon, invalid UTF-8", () => {
    const good = basic(httpAuth.username, httpAuth.password);
    for (const header of [
      good + "junk",
      good + " junk",
      good + "=",
      "Basic",
      "Basic ",
      "Basic !!!!",
      "Basic " + Buffer.from("twilio").toString("base64"),
      "Basic " + Buffer.from([0x74, 0x3a, 0xff, 0xfe]).toString("base64"),
      // Unpadded: `twilio:x` is 8 bytes, 12 base64 characters ending in one `=`.
      "Basic " + Buffer.from("twilio:x").toString("base64").replace(/=+$/, ""),
    ]) {
      expect(checkHttpAuth(header, httpAuth), header).toBe("invalid_credentials");
    }
  });

  it("escapes quotes and backslashes in a custom realm", () => {
    expect(basicChallenge({ ...httpAuth, realm: 'a "b" \\c' })).toBe('Basic realm="a \\"b\\" \\\\c", charset="UTF-8"');
  });
});

describe("adapter options are checked when the adapter is created", () => {
  const factories = {
    "node:http": (options: object) => withTwilioSignatureNode(() => {}, { authToken, ...options }),
    express: (options: object) => twilioWebhook({ authToken, ...options }),
    fastify: (options: object) => twilioPreParsingHook({ authToken, ...options }),
    fetch: (options: object) => withTwilioSignature(() => new Response(), { authToken, ...options }),
  };

  it.each(Object.entries(factories))("%s throws a TypeError naming the bad option", (_name, create) => {
    expect(() => create({ httpAuth: { username: "a:b", password: "x" } })).toThrow(/httpAuth\.username/);
    expect(() => create({ httpAuth: { username: "a", password: 1 } })).toThrow(/httpAuth\.password/);
    expect(() => create({ maxBodyBytes: -1 })).toThrow(/maxBodyBytes/);
    expect(() => create({ maxBodyBytes: Number.NaN })).toThrow(TypeError);
    expect(() => create({ maxBodyBytes: Infinity, httpAuth })).not.toThrow();
  });
});
