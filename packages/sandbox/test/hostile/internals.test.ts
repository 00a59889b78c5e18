// The parts of hardening a socket cannot observe directly: cache bounds, a COMMIT that fails inside
// setImmediate, clock jobs that fail, alert classification, the Host and control-request guards.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createAuthenticator, decodeBasic, MAX_CACHED_CREDENTIALS } from "../../src/accounts/auth.js";
import { createClock } from "../../src/engine/clock.js";
import { MAX_CACHED_READS, openStore } from "../../src/engine/store.js";
import { isAllowedHost, isLoopbackHost } from "../../src/http/guards.js";
import { createSandbox } from "../../src/http/server.js";
import { deliveryFailure } from "../../src/outbound/alerts.js";
import { createWebhookSender } from "../../src/outbound/webhook.js";
import { createEvents } from "../../src/engine/events.js";

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Collects process warnings while `fn` runs. */
async function warningsDuring(fn: () => Promise<void> | void): Promise<string[]> {
  const seen: string[] = [];
  const listener = (warning: Error) => seen.push(warning.message);
  process.on("warning", listener);
  try {
    await fn();
    // warnings are emitted on the next tick
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", listener);
  }
  return seen;
}

function sandboxForTest() {
  const sandbox = createSandbox({ clock: "manual" });
  cleanups.push(() => sandbox.close());
  return sandbox;
}

describe("the login cache", () => {
  it("keeps no entry for 3,000 unknown 4 KB user names", () => {
    const sandbox = sandboxForTest();
    const auth = createAuthenticator(sandbox.ctx);
    for (let i = 0; i < 3_000; i++) {
      const user = `AC${String(i).padStart(4, "0")}${"f".repeat(4_096)}`;
      expect(() => auth.authenticate(`Basic ${Buffer.from(`${user}:x`).toString("base64")}`)).toThrow();
    }
    expect(auth.cacheSize).toBe(0);
  });

  it("caches a known credential and still authenticates it", () => {
    const sandbox = sandboxForTest();
    const auth = createAuthenticator(sandbox.ctx);
    const header = `Basic ${Buffer.from(`${sandbox.defaults.accountSid}:${sandbox.defaults.authToken}`).toString("base64")}`;
    expect(auth.authenticate(header).accountSid).toBe(sandbox.defaults.accountSid);
    expect(auth.authenticate(header).accountSid).toBe(sandbox.defaults.accountSid);
    expect(auth.cacheSize).toBe(1);
    expect(MAX_CACHED_CREDENTIALS).toBeGreaterThan(0);
  });
});

describe("strict Basic decoding", () => {
  const good = Buffer.from("ACxyz:secret").toString("base64");
  it("decodes canonical base64 user:password", () => {
    expect(decodeBasic(`Basic ${good}`)).toEqual({ user: "ACxyz", password: "secret" });
    expect(decodeBasic(`basic ${Buffer.from("AC:pass:word").toString("base64")}`)).toEqual({ user: "AC", password: "pass:word" });
  });

  it("refuses junk after the padding, inner spaces, non-base64 characters and a missing user", () => {
    for (const header of [`Basic ${good}x`, `Basic ${good}==`, `Basic ${good} x`, `Basic ${good.slice(0, -1)}`, "Basic a$b=", `Basic ${Buffer.from(":pw").toString("base64")}`, `Basic ${Buffer.from("nocolon").toString("base64")}`, undefined, "Bearer x"]) {
      expect(decodeBasic(header), String(header)).toBeUndefined();
    }
  });
});

describe("the store's read cache", () => {
  it("keeps no misses: 20,000 lookups of unknown SIDs, numbers and opt-out keys leave it empty", () => {
    const store = openStore(":memory:");
    cleanups.push(() => store.close());
    for (let i = 0; i < 20_000; i++) {
      store.cached("account", `AC${i}`);
      store.findByKey1("number", `+1555${i}`);
      store.meta(`optout:+1555${i}:+15555550100`);
    }
    expect(store.cacheSize()).toBe(0);
  });

  it("holds at most MAX_CACHED_READS hits", () => {
    const store = openStore(":memory:");
    cleanups.push(() => store.close());
    const count = MAX_CACHED_READS + 500;
    store.transaction(() => {
      for (let i = 0; i < count; i++) store.insert("number", { sid: `PN${i}` }, { account_sid: "AC1", key1: `+1${i}` });
    });
    for (let i = 0; i < count; i++) expect(store.cached("number", `PN${i}`)?.sid).toBe(`PN${i}`);
    expect(store.cacheSize()).toBe(MAX_CACHED_READS);
  });
});

describe("a COMMIT that fails in setImmediate", () => {
  it("rejects the flushed() waiters, raises no uncaught exception, and the store keeps working", async () => {
    const dir = mkdtempSync(join(tmpdir(), "twk-commit-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const reported: string[] = [];
    const store = openStore(join(dir, "commit.db"), (error) => reported.push(error.message));
    cleanups.push(() => store.close());
    // a deferred foreign key is only checked at COMMIT: the one portable way to make COMMIT fail
    store.db.pragma("foreign_keys = ON");
    store.db.exec("CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)");
    const orphan = store.db.prepare("INSERT INTO child VALUES (42)");

    store.insert("message", { sid: "SMlost" }, { account_sid: "AC1" });
    orphan.run();
    const waiter = store.flushed();
    await expect(waiter).rejects.toThrow(/COMMIT failed.*FOREIGN KEY/);
    expect(reported).toHaveLength(1);
    expect(store.get("message", "SMlost")).toBeUndefined();

    store.insert("message", { sid: "SMsaved" }, { account_sid: "AC1" });
    await store.flushed();
    expect(store.get("message", "SMsaved")?.sid).toBe("SMsaved");
  });
});

describe("a COMMIT that fails under a request", () => {
  it("answers the API create with a 500, never a 201, and closes a control write without acknowledging it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "twk-commit-http-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sandbox = createSandbox({ clock: "manual", db: join(dir, "sandbox.db") });
    cleanups.push(() => sandbox.close());
    const url = await sandbox.listen(0, "127.0.0.1");
    await sandbox.store.flushed();
    // every message insert adds an orphan row whose deferred foreign key fails the group's COMMIT
    sandbox.store.db.pragma("foreign_keys = ON");
    sandbox.store.db.exec(`
      CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TRIGGER poison AFTER INSERT ON docs WHEN NEW.kind = 'message' BEGIN INSERT INTO child VALUES (42); END;`);
    const { accountSid, authToken, phoneNumber } = sandbox.defaults;
    const warnings = await warningsDuring(async () => {
      const created = await fetch(`${url}/api/2010-04-01/Accounts/${accountSid}/Messages.json`, {
        method: "POST",
        headers: { Authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ To: "+15558675310", From: phoneNumber, Body: "lost" }).toString(),
      });
      expect(created.status).toBe(500);
      expect(await created.json()).toMatchObject({ code: 20500, status: 500 });
      const inbound = fetch(`${url}/_sandbox/messages/inbound`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ From: "+15558675310", To: phoneNumber, Body: "lost" }) });
      await expect(inbound).rejects.toThrow();
    });
    expect(warnings.join("\n")).toMatch(/COMMIT failed/);
    expect(sandbox.store.list("message", { limit: 10, order: "asc" })).toEqual([]);
    sandbox.store.db.exec("DROP TRIGGER poison");
    const health = await fetch(`${url}/_sandbox/health`);
    expect(health.status).toBe(200);
  });
});

describe("clock jobs that fail", () => {
  it("names the failed async job on stderr in real mode instead of dropping it", async () => {
    const store = openStore(":memory:");
    cleanups.push(() => store.close());
    const warnings = await warningsDuring(async () => {
      const clock = createClock(store, "real", async (job) => {
        await Promise.resolve();
        throw new Error(`webhook target exploded for ${job.ref}`);
      }, () => undefined);
      clock.schedule(0, "msg", "SMfailing");
      clock.start();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await clock.idle();
      await clock.stop();
    });
    expect(warnings.join("\n")).toMatch(/clock job msg for SMfailing failed: Error: webhook target exploded for SMfailing/);
  });

  it("reports a failing job in manual mode and still runs the jobs after it", async () => {
    const store = openStore(":memory:");
    cleanups.push(() => store.close());
    const ran: string[] = [];
    const failed: string[] = [];
    const clock = createClock(
      store,
      "manual",
      async (job) => {
        ran.push(job.ref);
        if (job.ref === "CAbad") throw new TypeError("no such verb");
      },
      () => undefined,
      0,
      (job, error) => failed.push(`${job.ref}: ${(error as Error).message}`),
    );
    clock.schedule(10, "call", "CAbad");
    clock.schedule(20, "call", "CAgood");
    await clock.advance(100);
    expect(ran).toEqual(["CAbad", "CAgood"]);
    expect(failed).toEqual(["CAbad: no such verb"]);
  });
});

describe("alert classification", () => {
  const base = { kind: "sms", ref: "SM1", accountSid: "AC1", authToken: "t", url: "http://127.0.0.1:9/x", method: "POST", params: {} };

  it("takes a network error whose text says 'timed out' for a connection failure (11200), not a timeout", async () => {
    const store = openStore(":memory:");
    cleanups.push(() => store.close());
    const send = createWebhookSender(store, createEvents(), () => 0, {
      timeoutMs: 1000,
      fetch: (async () => {
        throw new TypeError("timed out while resolving the proxy", { cause: { message: "timed out while resolving the proxy" } });
      }) as typeof fetch,
    });
    const delivery = await send(base);
    expect(delivery.failure).toBe("connection");
    expect(deliveryFailure(delivery)?.code).toBe(11200);
  });

  it("takes an AbortSignal timeout for 11205 whatever its text", async () => {
    const store = openStore(":memory:");
    cleanups.push(() => store.close());
    const send = createWebhookSender(store, createEvents(), () => 0, {
      timeoutMs: 1000,
      fetch: (async () => {
        throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
      }) as typeof fetch,
    });
    const delivery = await send(base);
    expect(delivery.failure).toBe("timeout");
    expect(deliveryFailure(delivery)?.code).toBe(11205);
  });

  it("takes a 2xx whose body mentions 64 KiB for a usable answer, and an oversized body for 11750", async () => {
    const store = openStore(":memory:");
    cleanups.push(() => store.close());
    const small = createWebhookSender(store, createEvents(), () => 0, { timeoutMs: 1000, fetch: (async () => new Response("<Response><Message>64 KiB</Message></Response>")) as typeof fetch });
    expect(deliveryFailure(await small(base))).toBeUndefined();
    const big = createWebhookSender(store, createEvents(), () => 0, { timeoutMs: 1000, fetch: (async () => new Response("x".repeat(70_000))) as typeof fetch });
    expect(deliveryFailure(await big(base))?.code).toBe(11750);
  });
});

describe("the exposure guards", () => {
  it("knows loopback listen addresses", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "app.localhost"]) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "example.com", "10.0.0.1"]) expect(isLoopbackHost(host), host).toBe(false);
  });

  it("accepts Host headers naming this sandbox and refuses other names", () => {
    const listen = { host: "127.0.0.1", port: 4010 };
    for (const host of ["127.0.0.1:4010", "localhost:4010", "[::1]:4010", "api.localhost:4010", "api.twilio.com", "messaging.twilio.com:443", "10.1.2.3:4010"]) {
      expect(isAllowedHost(host, listen), host).toBe(true);
    }
    for (const host of [undefined, "", "evil.example:4010", "evil.example", "localhost:4011", "localhost", "twilio.com.evil.example:4010", "127.0.0.1:4010:1", "localhost.evil:4010"]) {
      expect(isAllowedHost(host, listen), String(host)).toBe(false);
    }
    expect(isAllowedHost("devbox:4010", { host: "devbox", port: 4010 })).toBe(true);
  });
});
