// Password-protected webhooks: apps behind HTTP Basic and Digest receive the sandbox's webhooks after
// the challenge, and the credentials stay out of the signature, the delivery log and the event stream.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import twilio from "twilio";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { authorizationFor, parseChallenges, splitUrlCredentials } from "../src/outbound/webhook-auth.js";
import { api, isSigned, type Received } from "./helpers.js";

const USER = "twilio";
const PASSWORD = "s3cr:t p@ss/word";

interface ProtectedApp {
  url: string;
  /** Every request, with the Authorization it carried (or undefined). */
  requests: Array<Received & { authorization: string | undefined }>;
  close(): Promise<void>;
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// A real app server enforcing Basic or Digest (RFC 7616, qop=auth) the way an Express or nginx setup would.
async function startProtectedApp(scheme: "Basic" | "Digest", algorithm: "MD5" | "SHA-256" = "MD5"): Promise<ProtectedApp> {
  const requests: ProtectedApp["requests"] = [];
  const nonces = new Set<string>();
  const realm = "sms app";
  const hash = (text: string) => createHash(algorithm === "MD5" ? "md5" : "sha256").update(text).digest("hex");
  function isAuthorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization;
    if (!header) return false;
    if (scheme === "Basic") return equal(header, `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`);
    if (!header.startsWith("Digest ")) return false;
    const fields = Object.fromEntries([...header.slice(7).matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g)].map((m) => [m[1], (m[2] ?? m[3])!.replace(/\\(.)/g, "$1")]));
    if (fields.username !== USER || fields.realm !== realm || !nonces.has(fields.nonce!) || fields.uri !== req.url || fields.qop !== "auth") return false;
    const ha1 = hash(`${USER}:${realm}:${PASSWORD}`);
    const ha2 = hash(`${req.method}:${fields.uri}`);
    return equal(fields.response!, hash(`${ha1}:${fields.nonce}:${fields.nc}:${fields.cnonce}:auth:${ha2}`));
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = `http://${req.headers.host}${req.url}`;
      const parsed = new URL(url);
      const params = Object.fromEntries(req.method === "GET" ? parsed.searchParams : new URLSearchParams(body));
      requests.push({ method: req.method!, path: parsed.pathname, url, headers: req.headers, params, body, authorization: req.headers.authorization });
      if (!isAuthorized(req)) {
        const nonce = randomBytes(12).toString("hex");
        nonces.add(nonce);
        const challenge = scheme === "Basic" ? `Basic realm="${realm}"` : `Digest realm="${realm}", qop="auth", algorithm=${algorithm}, nonce="${nonce}", opaque="op4que"`;
        res.writeHead(401, { "WWW-Authenticate": challenge, "Content-Type": "text/plain" }).end("authenticate");
        return;
      }
      const replies: Record<string, string> = {
        "/sms": "<Response><Message>pong</Message></Response>",
        // relative URLs resolve against the protected document's URL, credentials included
        "/sms-relative": '<Response><Message action="reply-status">pong</Message><Redirect>sms</Redirect></Response>',
        "/voice": '<Response><Gather action="gathered" numDigits="1" timeout="1"><Say>Press a key</Say></Gather></Response>',
        "/gathered": "<Response><Say>Thanks</Say><Hangup/></Response>",
      };
      res.writeHead(200, { "Content-Type": "text/xml" }).end(replies[parsed.pathname] ?? "<Response/>");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

let sandbox: SandboxHandle;
beforeEach(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterEach(() => sandbox.stop());

const main = () => ({ user: sandbox.accountSid, password: sandbox.authToken });
async function pointNumberAt(form: Record<string, string>): Promise<void> {
  const numbers = await api(sandbox.url, "GET", `/api/2010-04-01/Accounts/${sandbox.accountSid}/IncomingPhoneNumbers.json`, main());
  const sid = numbers.body.incoming_phone_numbers[0].sid;
  const updated = await api(sandbox.url, "POST", `/api/2010-04-01/Accounts/${sandbox.accountSid}/IncomingPhoneNumbers/${sid}.json`, { ...main(), form });
  expect(updated.status).toBe(200);
}

describe.each([
  ["Basic", "MD5"],
  ["Digest", "MD5"],
  ["Digest", "SHA-256"],
] as const)("an SMS app protected by %s (%s)", (scheme, algorithm) => {
  it("gets the webhook after the challenge, signed for the URL without credentials, and its reply runs", async () => {
    const app = await startProtectedApp(scheme, algorithm);
    const events: unknown[] = [];
    const stop = sandbox.onEvent((event) => events.push(event));
    try {
      await pointNumberAt({ SmsUrl: `${app.url}/sms` });
      const result = await sandbox.inboundSms({ from: "+15558675310", to: sandbox.phoneNumber, body: "ping" });
      expect(app.requests.map((r) => [r.path, r.authorization?.split(" ")[0]])).toEqual([["/sms", undefined], ["/sms", scheme]]);
      const answered = app.requests[1]!;
      expect(answered.params).toMatchObject({ Body: "ping", From: "+15558675310" });
      expect(answered.headers["x-twilio-signature"]).toBe(app.requests[0]!.headers["x-twilio-signature"]);
      expect(await isSigned(answered, sandbox.authToken)).toBe(true);
      // the official library validates it with the URL the app sees (no credentials), as for Twilio's own
      const signature = String(answered.headers["x-twilio-signature"]);
      expect(twilio.validateRequest(sandbox.authToken, signature, answered.url, answered.params)).toBe(true);
      expect(twilio.validateRequest(sandbox.authToken, signature, answered.url.replace("http://", `http://${USER}:${encodeURIComponent(PASSWORD)}@`), answered.params)).toBe(false);
      expect(result.replies).toHaveLength(1);
      expect(result.replies[0]!.body).toBe("pong");
      // the log and the stream carry neither the password nor the user name
      const logged = JSON.stringify([sandbox.webhooks(), events]);
      expect(logged).not.toContain(encodeURIComponent(PASSWORD));
      expect(logged).not.toContain(PASSWORD);
      expect(logged).not.toContain(`${USER}:`);
      expect(sandbox.webhooks()[0]!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sms$/);
    } finally {
      stop();
      await app.close();
    }
  });
});

describe("password-protected webhooks", () => {
  it("answer status callbacks of outbound messages after the challenge", async () => {
    const app = await startProtectedApp("Digest");
    try {
      const created = await api(sandbox.url, "POST", `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, {
        ...main(),
        form: { To: "+15558675310", From: sandbox.phoneNumber, Body: "hi", StatusCallback: `${app.url}/status` },
      });
      await sandbox.advance(5_000);
      await sandbox.waitForMessageStatus(created.body.sid, "delivered");
      const answered = app.requests.filter((r) => r.authorization);
      expect(answered.map((r) => r.params.MessageStatus)).toEqual(["sent", "delivered"]);
      expect(app.requests).toHaveLength(4);
      expect(sandbox.webhooks(created.body.sid).map((d) => d.status)).toEqual([200, 200]);
    } finally {
      await app.close();
    }
  });

  it("keep the credentials for relative <Redirect> and <Message action> URLs of a protected document", async () => {
    const app = await startProtectedApp("Basic");
    try {
      await pointNumberAt({ SmsUrl: `${app.url}/sms-relative` });
      const result = await sandbox.inboundSms({ from: "+15558675310", to: sandbox.phoneNumber, body: "ping" });
      expect(result.replies).toHaveLength(2);
      await sandbox.advance(5_000);
      await sandbox.waitForMessageStatus(result.replies[0]!.sid as string, "delivered");
      const paths = app.requests.filter((r) => r.authorization).map((r) => r.path);
      expect(paths.slice(0, 2)).toEqual(["/sms-relative", "/sms"]);
      expect(paths.filter((p) => p === "/reply-status")).toHaveLength(2);
      expect(app.requests.every((r) => r.authorization === undefined || r.authorization.startsWith("Basic "))).toBe(true);
    } finally {
      await app.close();
    }
  });

  it("cover voice: the VoiceUrl document and the relative <Gather> action behind Digest", async () => {
    const app = await startProtectedApp("Digest", "SHA-256");
    try {
      await pointNumberAt({ VoiceUrl: `${app.url}/voice` });
      const call = await sandbox.inboundCall({ from: "+15558675310", to: sandbox.phoneNumber });
      await sandbox.sendDigits(call.sid as string, "5");
      await sandbox.advance(30_000);
      const answered = app.requests.filter((r) => r.authorization?.startsWith("Digest "));
      expect(answered.map((r) => r.path)).toEqual(["/voice", "/gathered"]);
      expect(answered[1]!.params.Digits).toBe("5");
      for (const request of answered) expect(await isSigned(request, sandbox.authToken)).toBe(true);
    } finally {
      await app.close();
    }
  });

  it("cover a Messaging Service's InboundRequestUrl", async () => {
    const app = await startProtectedApp("Basic");
    try {
      const service = await api(sandbox.url, "POST", "/messaging/v1/Services", { ...main(), form: { FriendlyName: "svc", InboundRequestUrl: `${app.url}/sms` } });
      const numbers = await api(sandbox.url, "GET", `/api/2010-04-01/Accounts/${sandbox.accountSid}/IncomingPhoneNumbers.json`, main());
      const added = await api(sandbox.url, "POST", `/messaging/v1/Services/${service.body.sid}/PhoneNumbers`, { ...main(), form: { PhoneNumberSid: numbers.body.incoming_phone_numbers[0].sid } });
      expect(added.status).toBe(201);
      const result = await sandbox.inboundSms({ from: "+15558675310", to: sandbox.phoneNumber, body: "svc" });
      expect(app.requests.map((r) => r.authorization?.split(" ")[0])).toEqual([undefined, "Basic"]);
      expect(app.requests[1]!.params.MessagingServiceSid).toBe(service.body.sid);
      expect(result.replies).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it("give up after one answer to the challenge when the password is wrong", async () => {
    const app = await startProtectedApp("Basic");
    try {
      await pointNumberAt({ SmsUrl: `${app.url.replace(encodeURIComponent(PASSWORD), "wrong")}/sms` });
      await sandbox.inboundSms({ from: "+15558675310", to: sandbox.phoneNumber, body: "ping" });
      expect(app.requests.filter((r) => r.path === "/sms")).toHaveLength(2);
      expect(sandbox.webhooks()[0]!.status).toBe(401);
    } finally {
      await app.close();
    }
  });

  it("never send Authorization to an app that does not challenge", async () => {
    const app = await startProtectedApp("Basic");
    try {
      // a URL without credentials: the 401 stands, nothing is retried
      await pointNumberAt({ SmsUrl: `${app.url.replace(/\/\/[^@]+@/, "//")}/sms` });
      await sandbox.inboundSms({ from: "+15558675310", to: sandbox.phoneNumber, body: "ping" });
      expect(app.requests.map((r) => r.authorization)).toEqual([undefined]);
    } finally {
      await app.close();
    }
  });
});

describe("the challenge parser and answers", () => {
  it("splits userinfo off a URL and decodes it", () => {
    expect(splitUrlCredentials("https://a%40b:p%3Aw@example.com:8443/x?y=1")).toEqual({ url: "https://example.com:8443/x?y=1", credentials: { username: "a@b", password: "p:w" } });
    expect(splitUrlCredentials("https://example.com/x")).toEqual({ url: "https://example.com/x", credentials: undefined });
  });

  it("reads several challenges from one header, quoted strings with commas and escapes included", () => {
    expect(parseChallenges('Bearer abc==, Digest realm="a, \\"b\\"", nonce=xyz, qop="auth,auth-int", Basic realm=r')).toEqual([
      { scheme: "bearer", params: {} },
      { scheme: "digest", params: { realm: 'a, "b"', nonce: "xyz", qop: "auth,auth-int" } },
      { scheme: "basic", params: { realm: "r" } },
    ]);
  });

  it("answers the RFC 7616 example challenge with its documented response", () => {
    // RFC 7616 §3.9.1 (MD5): user Mufasa, password "Circle of Life", fixed cnonce — checked by recomputing
    const header = 'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
    const answer = authorizationFor(header, { username: "Mufasa", password: "Circle of Life" }, { method: "GET", url: "http://www.example.org/dir/index.html", body: undefined })!;
    const fields = Object.fromEntries([...answer.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)].map((m) => [m[1], m[2] ?? m[3]]));
    expect(fields).toMatchObject({ username: "Mufasa", realm: "http-auth@example.org", uri: "/dir/index.html", qop: "auth", nc: "00000001", algorithm: "MD5", opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS" });
    const md5 = (s: string) => createHash("md5").update(s).digest("hex");
    const expected = md5(`${md5("Mufasa:http-auth@example.org:Circle of Life")}:${fields.nonce}:00000001:${fields.cnonce}:auth:${md5("GET:/dir/index.html")}`);
    expect(fields.response).toBe(expected);
    // with the RFC's cnonce the same formula gives the RFC's published response
    const rfcCnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    expect(md5(`${md5("Mufasa:http-auth@example.org:Circle of Life")}:7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v:00000001:${rfcCnonce}:auth:${md5("GET:/dir/index.html")}`)).toBe("8ca523f5e9506fed4657c9700eebdbec");
  });

  it("prefers Digest when both are offered and answers nothing for unknown schemes", () => {
    const credentials = { username: "u", password: "p" };
    const request = { method: "POST", url: "http://h/x", body: "a=1" };
    expect(authorizationFor('Basic realm="r", Digest realm="r", nonce="n"', credentials, request)).toMatch(/^Digest /);
    expect(authorizationFor('Basic realm="r"', credentials, request)).toBe(`Basic ${Buffer.from("u:p").toString("base64")}`);
    expect(authorizationFor('Negotiate, Bearer realm="x"', credentials, request)).toBeUndefined();
  });
});
