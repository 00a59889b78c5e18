import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ACCOUNT_SID, AUTH_TOKEN, startFakeTwilio, type FakeTwilio } from "./helpers/fake-twilio.js";
import { runTwk, tempHome, type TempHome } from "./helpers/run-twk.js";

let home: TempHome;
let fake: FakeTwilio | undefined;
beforeEach(() => {
  home = tempHome();
});
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  home.cleanup();
});

const envFor = (server: FakeTwilio) => ({ ...home.env, TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_BASE_URL: server.url });

function writeCsv(rows: number, extra: string[] = []): { path: string; numbers: string[] } {
  const numbers = Array.from({ length: rows }, (_, i) => `+1555${String(i).padStart(7, "0")}`);
  const lines = ["name,phone", ...numbers.map((n, i) => `"Person ${i}",${n}`), ...extra];
  const path = join(home.home, "recipients.csv");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return { path, numbers };
}

function sendsPerRecipient(server: FakeTwilio): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of server.messages) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
  return counts;
}

const bulkArgs = (csv: string) => ["messages", "send-bulk", "--csv", csv, "--from", "+15017122661", "--body", "Hi {{name}}", "--rate", "0", "--concurrency", "3"];

describe("twk messages send-bulk", () => {
  it("sends one message per row with the template filled in", async () => {
    fake = await startFakeTwilio();
    const { path, numbers } = writeCsv(5);
    const result = await runTwk([...bulkArgs(path), "-o", "json"], envFor(fake));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rows: 5, sent: 5, failed: 0, already_done: 0 });
    expect([...sendsPerRecipient(fake).keys()].sort()).toEqual(numbers);
    expect(fake.messages.find((m) => m.to === numbers[2])!.body).toBe("Hi Person 2");
    expect(existsSync(`${path}.twk-journal`)).toBe(true);
  });

  it("prints plain progress lines and a summary on stderr when not on a terminal", async () => {
    fake = await startFakeTwilio();
    const { path } = writeCsv(3);
    const result = await runTwk(bulkArgs(path), envFor(fake));
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^progress: 3\/3/m);
    expect(result.stderr).toContain("sent 3, failed 0");
  });

  it("summarises failures by error code, exits 6, and does not resend them on a re-run", async () => {
    fake = await startFakeTwilio();
    const { path } = writeCsv(3, ["Bad,+15005550001", "Stop,+15005550004", "Bad2,+15005550001"]);
    const first = await runTwk([...bulkArgs(path), "-o", "json"], envFor(fake));
    expect(first.code).toBe(6);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ sent: 3, failed: 3 });
    expect(summary.failures).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: "21211", count: 2 }), expect.objectContaining({ code: "21610", count: 1 })]),
    );
    const creates = fake.requests.filter((r) => r.method === "POST").length;
    const again = await runTwk([...bulkArgs(path), "-o", "json"], envFor(fake));
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 0, already_done: 6 });
    expect(fake.requests.filter((r) => r.method === "POST").length).toBe(creates);
  });

  it("resumes after being killed mid-run with zero duplicates and zero skipped rows", async () => {
    let child: ChildProcess | undefined;
    let died: Promise<void> | undefined;
    fake = await startFakeTwilio({
      // The 6th message is stored, then the client dies before it hears back: its outcome is lost.
      onCreateMessage: async (count) => {
        if (count === 6 && child) {
          died = new Promise((resolve) => child!.once("exit", () => resolve()));
          child.kill("SIGKILL");
          await died;
        }
      },
    });
    const { path, numbers } = writeCsv(20);
    const first = await runTwk(bulkArgs(path), envFor(fake), { onSpawn: (c) => (child = c) });
    expect(first.signal).toBe("SIGKILL");
    const sentBefore = fake.messages.length;
    expect(sentBefore).toBeGreaterThanOrEqual(6);
    expect(sentBefore).toBeLessThan(20);

    child = undefined;
    const second = await runTwk([...bulkArgs(path), "-o", "json"], envFor(fake));
    expect(second.code).toBe(0);
    const summary = JSON.parse(second.stdout);
    expect(summary.reconciled).toBeGreaterThanOrEqual(1);
    const counts = sendsPerRecipient(fake);
    expect([...counts.keys()].sort()).toEqual(numbers);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it("stops cleanly on SIGINT with exit 130 and finishes on the next run", async () => {
    let child: ChildProcess | undefined;
    fake = await startFakeTwilio({
      onCreateMessage: (count) => {
        if (count === 3) child?.kill("SIGINT");
      },
    });
    const { path, numbers } = writeCsv(15);
    const first = await runTwk([...bulkArgs(path), "--concurrency", "1"], envFor(fake), { onSpawn: (c) => (child = c) });
    expect(first.code).toBe(130);
    expect(first.stderr).toContain("run the same command again to resume");
    expect(fake.messages.length).toBeLessThan(15);
    const second = await runTwk(bulkArgs(path), envFor(fake));
    expect(second.code).toBe(0);
    const counts = sendsPerRecipient(fake);
    expect([...counts.keys()].sort()).toEqual(numbers);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it("stops on rejected credentials without marking rows failed, and sends them once fixed", async () => {
    fake = await startFakeTwilio();
    const { path, numbers } = writeCsv(4);
    const bad = await runTwk(bulkArgs(path), { ...envFor(fake), TWILIO_AUTH_TOKEN: "wrong-token-value" });
    expect(bad.code).toBe(3);
    expect(bad.stderr).not.toContain("wrong-token-value");
    const good = await runTwk([...bulkArgs(path), "-o", "json"], envFor(fake));
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ failed: 0, already_done: 0 });
    const counts = sendsPerRecipient(fake);
    expect([...counts.keys()].sort()).toEqual(numbers);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it("refuses to resume a journal of another CSV", async () => {
    fake = await startFakeTwilio();
    const { path } = writeCsv(2);
    expect((await runTwk(bulkArgs(path), envFor(fake))).code).toBe(0);
    writeCsv(3);
    const result = await runTwk(bulkArgs(path), envFor(fake));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("belongs to another run");
  });

  it("renders without sending on --dry-run and rejects unknown template columns", async () => {
    fake = await startFakeTwilio();
    const { path } = writeCsv(2);
    const dry = await runTwk([...bulkArgs(path), "--dry-run"], envFor(fake));
    expect(dry.code).toBe(0);
    expect(dry.stdout.trimEnd().split("\n").map((l) => JSON.parse(l).Body)).toEqual(["Hi Person 0", "Hi Person 1"]);
    expect(fake.requests).toHaveLength(0);
    const bad = await runTwk(["messages", "send-bulk", "--csv", path, "--from", "+1", "--body", "Hi {{nickname}}"], envFor(fake));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("{{nickname}}");
  });
});
