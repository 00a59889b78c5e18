// Hostile clients against the real bin (dist/bin.js, spawned) on a temp database: every bad request
// gets a clean Twilio-shaped 4xx (or Node's own 400/431), never a 5xx, a hang or a stack trace on
// stderr, and the server keeps serving. Then a burst of creates, kill -9, and a restart on the same file.
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basic, rawRequest, runBin, startBin, type RunningBin } from "./bin-helpers.js";

let dir: string;
let sandbox: RunningBin;
let auth: string;
let messagesPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "twk-hostile-"));
  sandbox = await startBin(join(dir, "hostile.db"));
  auth = basic(sandbox.accountSid, sandbox.authToken);
  messagesPath = `/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`;
});

afterAll(() => {
  sandbox?.child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** Asserts a Twilio error envelope with a 4xx status (and optionally the status and code). */
function expectTwilio4xx(status: number, body: unknown, expected: { status?: number; code?: number } = {}): void {
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
  if (expected.status !== undefined) expect(status).toBe(expected.status);
  expect(body).toMatchObject({ code: expect.any(Number), message: expect.any(String), more_info: expect.any(String), status });
  if (expected.code !== undefined) expect((body as { code: number }).code).toBe(expected.code);
}

async function call(method: string, path: string, init: { headers?: Record<string, string>; body?: string | Uint8Array } = {}) {
  const response = await fetch(sandbox.url + path, { method, headers: init.headers, body: init.body as BodyInit | undefined });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the assertion on the shape reports it
  }
  return { status: response.status, body };
}

const form = { "Content-Type": "application/x-www-form-urlencoded" };

describe("a hostile client against the bin", () => {
  it("answers 300,000 empty form fields without credentials with 401 before reading the body", async () => {
    const { status, body } = await call("POST", messagesPath, { headers: form, body: "x=&".repeat(300_000) });
    expectTwilio4xx(status, body, { status: 401, code: 20003 });
  });

  it("answers 300,000 empty form fields with credentials with a 4xx, not a stack overflow", async () => {
    const { status, body } = await call("POST", messagesPath, { headers: { ...form, Authorization: auth }, body: "x=&".repeat(300_000) });
    expectTwilio4xx(status, body);
  });

  const lists = () => [
    messagesPath,
    `/api/2010-04-01/Accounts/${sandbox.accountSid}/Calls.json`,
    `/api/2010-04-01/Accounts/${sandbox.accountSid}/IncomingPhoneNumbers.json`,
    `/api/2010-04-01/Accounts.json`,
    `/messaging/v1/Services`,
    `/monitor/v1/Alerts`,
    `/verify/v2/Services`,
    `/api/2010-04-01/Accounts/${sandbox.accountSid}/AvailablePhoneNumbers/US/Local.json`,
    `/api/2010-04-01/Accounts/${sandbox.accountSid}/Keys.json`,
    `/api/2010-04-01/Accounts/${sandbox.accountSid}/Recordings.json`,
    `/api/2010-04-01/Accounts/${sandbox.accountSid}/Applications.json`,
    `/api/2010-04-01/Accounts/${sandbox.accountSid}/Queues.json`,
    `/conversations/v1/Conversations`,
  ];
  for (const query of ["Page=99999999999999999999", "Page=-1", "Page=abc", "Page=1.5", "PageSize=0", "PageSize=1001", "PageSize=-5", "PageSize=1e3", "PageSize=99999999999999999999&Page=1"]) {
    it(`answers ${query} with a Twilio-shaped 400 on every list`, async () => {
      for (const path of lists()) {
        const { status, body } = await call("GET", `${path}?${query}`, { headers: { Authorization: auth } });
        expect({ path, status }).toEqual({ path, status: 400 });
        expectTwilio4xx(status, body, { status: 400 });
      }
    });
  }

  it("still lists the largest page number and size it accepts", async () => {
    const { status, body } = await call("GET", `${messagesPath}?PageSize=1000&Page=9999999`, { headers: { Authorization: auth } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ messages: [], page: 9999999, page_size: 1000 });
  });

  it("rejects Basic credentials with junk after the base64 padding", async () => {
    const good = Buffer.from(`${sandbox.accountSid}:${sandbox.authToken}`).toString("base64");
    expect(good.endsWith("=")).toBe(true);
    for (const header of [`Basic ${good}junk`, `Basic ${good}=`, `Basic ${good} junk`, `Basic ${good}@@`]) {
      const { status, body } = await call("GET", messagesPath, { headers: { Authorization: header } });
      expectTwilio4xx(status, body, { status: 401, code: 20003 });
    }
  });

  it("answers garbage Basic auth with 401 20003", async () => {
    const headers = ["Basic", "Basic ", "Basic !!!!", "Basic ====", "Basic Og==", `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0x00]).toString("base64")}`, `Basic ${"A".repeat(8000)}`, "Bearer abc", "basic"];
    for (const header of headers) {
      const { status, body } = await call("GET", messagesPath, { headers: { Authorization: header } });
      expectTwilio4xx(status, body, { status: 401, code: 20003 });
    }
  });

  it("answers a body over 1 MiB with 413 or closes the connection, never 5xx", async () => {
    const answer = await rawRequest(
      sandbox.port,
      `POST ${messagesPath} HTTP/1.1\r\nHost: 127.0.0.1:${sandbox.port}\r\nAuthorization: ${auth}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\nBody=`,
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 413, code: expect.any(Number) });
    const { status } = await call("POST", messagesPath, { headers: { ...form, Authorization: auth }, body: `Body=${"x".repeat(1_100_000)}` });
    expect(status).toBe(413);
  });

  it("answers malformed percent-encoding in the path, query and body with a 4xx", async () => {
    const bad = [
      { method: "GET", path: `/api/2010-04-01/Accounts/%ZZ/Messages.json` },
      { method: "GET", path: `${messagesPath}?To=%E0%A4%A&PageSize=%` },
      { method: "POST", path: messagesPath, body: "To=%E0%A4%A&From=%&Body=%ZZ%" },
    ];
    for (const { method, path, body } of bad) {
      const answer = await call(method, path, { headers: { ...form, Authorization: auth }, body });
      expectTwilio4xx(answer.status, answer.body);
    }
  });

  it("answers invalid UTF-8 in a form body with 400", async () => {
    const body = Buffer.concat([Buffer.from(`To=%2B15558675310&From=${encodeURIComponent(sandbox.phoneNumber)}&Body=`), Buffer.from([0xc3, 0x28, 0xff, 0xfe])]);
    const answer = await call("POST", messagesPath, { headers: { ...form, Authorization: auth }, body });
    expectTwilio4xx(answer.status, answer.body, { status: 400 });
  });

  it("leaves a huge URL and a huge header to Node's 431", async () => {
    const url = await rawRequest(sandbox.port, `GET ${messagesPath}?x=${"a".repeat(100_000)} HTTP/1.1\r\nHost: 127.0.0.1:${sandbox.port}\r\n\r\n`);
    expect(url.status).toBe(431);
    const header = await rawRequest(sandbox.port, `GET ${messagesPath} HTTP/1.1\r\nHost: 127.0.0.1:${sandbox.port}\r\nX-Big: ${"b".repeat(100_000)}\r\n\r\n`);
    expect(header.status).toBe(431);
  });

  it("answers unknown methods with Node's 400 or a Twilio-shaped 405/404", async () => {
    const junk = await rawRequest(sandbox.port, `BREW ${messagesPath} HTTP/1.1\r\nHost: 127.0.0.1:${sandbox.port}\r\n\r\n`);
    expect(junk.status).toBe(400);
    for (const method of ["PROPFIND", "PATCH", "OPTIONS", "TRACE"]) {
      const answer = await rawRequest(sandbox.port, `${method} ${messagesPath} HTTP/1.1\r\nHost: 127.0.0.1:${sandbox.port}\r\nAuthorization: ${auth}\r\nConnection: close\r\n\r\n`);
      expect(answer.status, method).toBeGreaterThanOrEqual(400);
      expect(answer.status, method).toBeLessThan(500);
      expect(JSON.parse(answer.body)).toMatchObject({ code: expect.any(Number), status: answer.status });
    }
  });

  it("closes a half-open connection with a partial body without a 5xx", async () => {
    const answer = await rawRequest(
      sandbox.port,
      `POST ${messagesPath} HTTP/1.1\r\nHost: 127.0.0.1:${sandbox.port}\r\nAuthorization: ${auth}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nTo=%2B1555`,
      { halfClose: true },
    );
    expect(answer.isClosed).toBe(true);
    if (answer.status !== null) expect(answer.status).toBeLessThan(500);
  });

  it("drops clients that abort mid-body quietly: no 5xx written, no stack on stderr", async () => {
    for (let i = 0; i < 10; i++) {
      await new Promise<void>((resolve) => {
        const req = request(`${sandbox.url}${messagesPath}`, { method: "POST", headers: { ...form, Authorization: auth, "Content-Length": "5000" } });
        req.on("error", () => resolve());
        req.on("response", () => resolve());
        req.write("To=%2B15558675310&Body=");
        setTimeout(() => req.destroy(), 20);
      });
    }
    // give the server a moment to notice the resets
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sandbox.stderr()).not.toMatch(/\n\s+at /);
  });

  it("refuses form-encoded control requests that carry no control header (cross-site forms)", async () => {
    const sent = await call("POST", "/_sandbox/messages/inbound", { headers: form, body: `From=%2B15558675310&To=${encodeURIComponent(sandbox.phoneNumber)}&Body=hi` });
    expectTwilio4xx(sent.status, sent.body, { status: 403 });
    const reset = await call("POST", "/_sandbox/reset", { headers: { "Content-Type": "text/plain" }, body: "x" });
    expectTwilio4xx(reset.status, reset.body, { status: 403 });
    const bare = await call("POST", "/_sandbox/reset");
    expectTwilio4xx(bare.status, bare.body, { status: 403 });
    const json = await call("POST", "/_sandbox/clock/advance", { headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ms: 1 }) });
    expect(json.status).toBe(200);
    const header = await call("POST", "/_sandbox/clock/advance", { headers: { ...form, "X-Sandbox-Control": "1" }, body: "ms=1" });
    expect(header.status).toBe(200);
    // reads need neither
    expect((await call("GET", "/_sandbox/health")).status).toBe(200);
  });

  it("refuses requests whose Host is not the listen address or localhost (DNS rebinding)", async () => {
    const port = sandbox.port;
    for (const host of [`evil.example:${port}`, `evil.example`, `127.0.0.1.nip.io:${port}`, `localhost.evil.example:${port}`, `localhost:${port + 1}`]) {
      for (const path of ["/_sandbox/info", messagesPath]) {
        const answer = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${auth}\r\nConnection: close\r\n\r\n`);
        expect({ host, path, status: answer.status }).toEqual({ host, path, status: 403 });
        expect(answer.body).not.toContain(sandbox.authToken);
        expect(JSON.parse(answer.body)).toMatchObject({ code: 20403, status: 403 });
      }
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `api.twilio.com`]) {
      const answer = await rawRequest(port, `GET /_sandbox/health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect({ host, status: answer.status }).toEqual({ host, status: 200 });
    }
  });

  it("still creates a message afterwards, and wrote no stack trace to stderr", async () => {
    const { status, body } = await call("POST", messagesPath, {
      headers: { ...form, Authorization: auth },
      body: new URLSearchParams({ To: "+15558675310", From: sandbox.phoneNumber, Body: "still here" }).toString(),
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ body: "still here", status: "queued" });
    expect(sandbox.stderr()).not.toMatch(/\n\s+at /);
    expect(sandbox.stderr()).not.toMatch(/SqliteError|RangeError|Maximum call stack/);
  });
});

describe("the bin's exposure warning", () => {
  it("warns on stderr when told to listen on a non-loopback address", async () => {
    // 192.0.2.1 is TEST-NET-1: never assigned to this machine, so listening fails after the warning
    const result = await runBin(["--host", "192.0.2.1", "--port", "0", "--db", ":memory:"]);
    expect(result.stderr).toMatch(/warning/i);
    expect(result.stderr).toMatch(/192\.0\.2\.1/);
    expect(result.stderr).toMatch(/auth token|anyone/i);
  });

  it("prints no warning for 127.0.0.1", async () => {
    const running = await startBin(":memory:", ["--host", "127.0.0.1"]);
    running.child.kill("SIGKILL");
    expect(running.stderr()).not.toMatch(/warning/i);
  });
});

describe("a burst of creates, kill -9, restart", () => {
  it("lists every acknowledged SID after 2,000 creates over 20 keep-alive connections and a kill -9", async () => {
    const db = join(dir, "burst.db");
    const first = await startBin(db);
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    const headers = { ...form, Authorization: basic(first.accountSid, first.authToken) };
    const path = `/api/2010-04-01/Accounts/${first.accountSid}/Messages.json`;
    const acknowledged: string[] = [];
    const post = (i: number) =>
      new Promise<void>((resolve, reject) => {
        const body = new URLSearchParams({ To: "+15558675310", From: first.phoneNumber, Body: `burst ${i}` }).toString();
        const req = request(`${first.url}${path}`, { method: "POST", agent, headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) } }, (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => (text += chunk));
          res.on("end", () => {
            if (res.statusCode === 201) acknowledged.push((JSON.parse(text) as { sid: string }).sid);
            else reject(new Error(`create ${i}: ${res.statusCode} ${text}`));
            resolve();
          });
        });
        req.on("error", reject);
        req.end(body);
      });
    let next = 0;
    const worker = async () => {
      while (next < 2_000) await post(next++);
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    agent.destroy();
    expect(acknowledged).toHaveLength(2_000);
    await new Promise<void>((resolve) => {
      first.child.once("exit", () => resolve());
      first.child.kill("SIGKILL");
    });

    const second = await startBin(db);
    try {
      const listed = new Set<string>();
      let uri: string | null = `/2010-04-01/Accounts/${second.accountSid}/Messages.json?PageSize=1000`;
      for (let pages = 0; uri && pages < 10; pages++) {
        const response = await fetch(`${second.url}/api${uri}`, { headers: { Authorization: basic(second.accountSid, second.authToken) } });
        const page = (await response.json()) as { messages: Array<{ sid: string }>; next_page_uri: string | null };
        for (const message of page.messages) listed.add(message.sid);
        uri = page.next_page_uri;
      }
      expect(acknowledged.filter((sid) => !listed.has(sid))).toEqual([]);
    } finally {
      second.child.kill("SIGKILL");
    }
  }, 60_000);
});
