// Public-key client validation against the official package: for the same request and clock, our
// canonical request and our Twilio-Client-Validation JWT are byte-identical to twilio-node's
// RequestCanonicalizer and ValidationToken (RS256 with PKCS#1 v1.5 is deterministic).
import { generateKeyPairSync, verify as verifySignature } from "node:crypto";
import { createRequire } from "node:module";
import { afterEach, describe, expect, it, vi } from "vitest";
import { canonicalizeRequest } from "../src/auth/canonical-request.js";
import { createClientValidator } from "../src/auth/client-validation.js";
import { createClient } from "../src/client.js";
import { ACCOUNT_SID, AUTH_TOKEN, scriptedFetch } from "./helpers.js";

const require = createRequire(import.meta.url);
interface AxiosLikeConfig {
  url: string;
  method: string;
  params?: Record<string, string>;
  data?: unknown;
  headers: Record<string, string>;
}
const ValidationToken = require("twilio/lib/jwt/validation/ValidationToken") as new (options: object) => {
  fromHttpRequest(config: AxiosLikeConfig): string;
  getRequestCanonicalizer(config: AxiosLikeConfig): { getCanonicalizedRequestString(): string; getCanonicalizedHashedHeaders(): string };
};

const CREDENTIAL_SID = "CR0123456789abcdef0123456789abcdef";
const SIGNING_KEY = "SK0123456789abcdef0123456789abcdef";
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PKCS8 = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
const PKCS1 = privateKey.export({ type: "pkcs1", format: "pem" }) as string;
const options = { credentialSid: CREDENTIAL_SID, signingKey: SIGNING_KEY, privateKey: PKCS8 };
const official = new ValidationToken({ accountSid: ACCOUNT_SID, ...options });

afterEach(() => vi.useRealTimers());

/** Mulberry32: a small seeded PRNG, so a failing case can be replayed. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  // Text with the characters that stress encoding: reserved, sub-delims, unreserved, non-ASCII.
  // `%` and `=` are left out: twilio-node decodes query values a second time (so a literal `%`
  // throws) and splits `key=value` on every `=` (so it truncates such values); both are its bugs.
  const alphabet = [..."abcXYZ019 -_.~!*'()+&/?:@$,;#[]\"<>é日🎉"];
  const text = (max: number) => Array.from({ length: 1 + Math.floor(next() * max) }, () => pick(alphabet)).join("");
  return { next, pick, text };
}

interface Case {
  wire: { method: string; url: string; headers: Record<string, string>; body: string | undefined };
  axios: AxiosLikeConfig;
}

/** One random request, as our client puts it on the wire and as twilio-node's axios config holds it. */
function randomCase(random: ReturnType<typeof prng>): Case {
  const method = random.pick(["GET", "POST", "DELETE", "PUT"]);
  const origin = random.pick(["https://api.twilio.com", "https://messaging.twilio.com", "http://127.0.0.1:4010/api"]);
  const segments = Array.from({ length: 1 + Math.floor(random.next() * 4) }, () => encodeURIComponent(random.text(8)));
  const path = `/${random.pick(["2010-04-01", "v1", "v2"])}/${segments.join("/")}${random.pick([".json", ""])}`;
  const query: Record<string, string> = {};
  for (let i = Math.floor(random.next() * 5); i > 0; i--) query[random.text(6)] = random.text(12);
  const search = new URLSearchParams(query).toString();
  const authorization = random.pick([
    `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`,
    `Bearer ${random.text(20)}`,
    `  Basic padded==  `,
  ]);
  let body: string | undefined;
  let data: unknown;
  const bodyKind = method === "GET" || method === "DELETE" ? "none" : random.pick(["form", "json", "empty"]);
  if (bodyKind === "form") {
    const form = new URLSearchParams();
    for (let i = 1 + Math.floor(random.next() * 4); i > 0; i--) form.append(random.text(6), random.text(20));
    body = data = form.toString();
  } else if (bodyKind === "json") {
    data = { Name: random.text(10), Nested: { Value: random.text(5) }, List: [random.text(3)] };
    body = JSON.stringify(data);
  } else if (bodyKind === "empty") {
    body = data = "";
  }
  const url = `${origin}${path}`;
  return {
    wire: { method, url: search ? `${url}?${search}` : url, headers: { Authorization: authorization, "User-Agent": "twilio-kit" }, body },
    axios: {
      url,
      method: method.toLowerCase(),
      params: Object.keys(query).length ? query : undefined,
      data,
      headers: { Authorization: authorization, "User-Agent": "twilio-node" },
    },
  };
}

describe("Twilio-Client-Validation, differential against twilio-node", () => {
  it("builds the same canonical request and the same RS256 token for 1,500 random requests", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-03-01T12:00:00Z") });
    const sign = createClientValidator(options, ACCOUNT_SID);
    const random = prng(20261129);
    for (let i = 0; i < 1500; i++) {
      const { wire, axios } = randomCase(random);
      const theirs = official.getRequestCanonicalizer(axios);
      const ours = await canonicalizeRequest(wire);
      expect(ours.canonical, `case ${i}: ${wire.method} ${wire.url}`).toBe(theirs.getCanonicalizedRequestString());
      expect(ours.hashedHeaders).toBe(theirs.getCanonicalizedHashedHeaders());
      expect(await sign(wire), `case ${i}`).toBe(official.fromHttpRequest(axios));
      if (i % 100 === 0) vi.setSystemTime(Date.now() + 7_777); // a few different clocks
    }
  });

  it("signs byte-identically with a PKCS#1 key (BEGIN RSA PRIVATE KEY) read on Web Crypto", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-03-01T12:00:00Z") });
    const { wire, axios } = randomCase(prng(7));
    const token = await createClientValidator({ ...options, privateKey: PKCS1 }, ACCOUNT_SID)(wire);
    expect(token).toBe(official.fromHttpRequest(axios));
  });

  it("accepts a Web Crypto CryptoKey as the private key", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-03-01T12:00:00Z") });
    const der = privateKey.export({ type: "pkcs8", format: "der" });
    const key = await crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
    const { wire, axios } = randomCase(prng(9));
    expect(await createClientValidator({ ...options, privateKey: key }, ACCOUNT_SID)(wire)).toBe(official.fromHttpRequest(axios));
  });

  it("writes twilio-node's header and claims, valid for 300 s and verifiable with the public key", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-03-01T12:00:00Z") });
    const { wire } = randomCase(prng(11));
    const token = await createClientValidator(options, ACCOUNT_SID)(wire);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({ alg: "RS256", typ: "JWT", kid: CREDENTIAL_SID, cty: "twilio-pkrv;v=1" });
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    expect(Object.keys(claims)).toEqual(["iss", "sub", "hrh", "rqh", "iat", "exp"]);
    expect(claims).toMatchObject({ iss: SIGNING_KEY, sub: ACCOUNT_SID, hrh: "authorization;host", iat: 1772366400, exp: 1772366700 });
    expect(verifySignature("sha256", Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, "base64url"))).toBe(true);
  });

  it("signs PS256 tokens that verify with the public key", async () => {
    const { wire } = randomCase(prng(13));
    const token = await createClientValidator({ ...options, algorithm: "PS256" }, ACCOUNT_SID)(wire);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    expect(JSON.parse(Buffer.from(header, "base64url").toString()).alg).toBe("PS256");
    const key = { key: publicKey, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 };
    expect(verifySignature("sha256", Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, "base64url"))).toBe(true);
  });
});

describe("clientValidation in the client", () => {
  it("adds Twilio-Client-Validation over the request exactly as sent, identical to twilio-node's", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-03-01T12:00:00Z") });
    const { fetch, seen } = scriptedFetch({ status: 201, body: {} });
    const client = createClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch, clientValidation: options }, {});
    await client.request("POST /2010-04-01/Accounts/{AccountSid}/Messages.json", { To: "+15558675310", From: "+15017122661", Body: "Hi there & ~*" });
    await client.request("GET /2010-04-01/Accounts/{AccountSid}/Messages.json", { To: "+15558675310", PageSize: 20 });
    for (const request of seen) {
      const url = new URL(request.url);
      const axios: AxiosLikeConfig = {
        url: `${url.origin}${url.pathname}`,
        method: request.method.toLowerCase(),
        params: url.search ? Object.fromEntries(url.searchParams) : undefined,
        data: request.body || undefined,
        headers: { Authorization: request.headers.authorization! },
      };
      expect(request.headers["twilio-client-validation"]).toBe(official.fromHttpRequest(axios));
    }
  });

  it("signs the retried request again with the fresh OAuth token", async () => {
    let tokenCount = 0;
    const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
      if (String(input).endsWith("/v2/token")) return Response.json({ access_token: `token-${++tokenCount}`, expires_in: 3600 });
      const authorization = new Headers(init?.headers).get("authorization");
      return authorization === "Bearer token-1" ? Response.json({ code: 20003, status: 401 }, { status: 401 }) : Response.json({});
    }) as typeof fetch;
    const seen: string[] = [];
    const spy = (async (input: string | URL | Request, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      if (headers.has("twilio-client-validation")) seen.push(`${headers.get("authorization")} ${headers.get("twilio-client-validation")}`);
      return fetchImpl(input, init);
    }) as typeof fetch;
    const client = createClient({ accountSid: ACCOUNT_SID, oauth: { clientId: "id", clientSecret: "secret" }, fetch: spy, clientValidation: options }, {});
    await client.request("GET /2010-04-01/Accounts/{AccountSid}/Messages.json");
    expect(seen).toHaveLength(2);
    const [first, second] = seen.map((line) => line.split(" ")) as [string[], string[]];
    expect([first[1], second[1]]).toEqual(["token-1", "token-2"]);
    expect(first[2]).not.toBe(second[2]);
  });

  it("rejects malformed options when the client is created, naming the option", () => {
    const create = (clientValidation: object) =>
      createClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, clientValidation: clientValidation as typeof options }, {});
    expect(() => create({ ...options, credentialSid: "SK123" })).toThrow(/clientValidation\.credentialSid must match/);
    expect(() => create({ ...options, signingKey: undefined })).toThrow(/clientValidation needs signingKey/);
    expect(() => create({ ...options, privateKey: 42 })).toThrow(/clientValidation needs privateKey/);
    expect(() => create({ ...options, algorithm: "HS256" })).toThrow(/must be "RS256" or "PS256"/);
  });

  it("fails the request with a TypeError for a key that is not a usable PEM RSA private key", async () => {
    const { fetch, seen } = scriptedFetch({ status: 200, body: {} });
    const request = (privateKey: string) =>
      createClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fetch, clientValidation: { ...options, privateKey } }, {}).request(
        "GET /2010-04-01/Accounts/{AccountSid}/Messages.json",
      );
    await expect(request("not a key")).rejects.toThrow(/must be a PEM RSA private key/);
    await expect(request("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----")).rejects.toThrow(/is encrypted/);
    await expect(request("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")).rejects.toThrow(/not a usable RSA private key/);
    expect(seen).toHaveLength(0);
  });
});
