// A write the API acknowledged survives a restart and a kill -9: the bin runs as a child process on a
// SQLite file (WAL), is killed, and a new process serves the same data.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, control, startReceiver } from "./helpers.js";

const bin = new URL("../dist/bin.js", import.meta.url);
let dir: string;
const children = new Set<ChildProcess>();

interface Started {
  child: ChildProcess;
  url: string;
  accountSid: string;
  authToken: string;
  phoneNumber: string;
}

function startBin(db: string): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin.pathname, "--db", db, "--port", "0", "--clock", "manual", "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let out = "";
    let err = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk;
      const line = out.split("\n")[0];
      if (out.includes("\n")) resolve({ child, ...JSON.parse(line!) });
    });
    child.stderr!.on("data", (chunk: Buffer) => (err += chunk));
    child.on("exit", (code) => reject(new Error(`bin exited with ${code}: ${err}`)));
  });
}

function killed(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
    children.delete(child);
  });
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error("dist/bin.js is missing: run `pnpm build` in packages/sandbox first");
  dir = mkdtempSync(join(tmpdir(), "twk-sandbox-"));
});
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("durability", () => {
  it("prints URL and credentials as one JSON line with --json", async () => {
    const started = await startBin(join(dir, "json.db"));
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.accountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(started.phoneNumber).toBe("+15555550100");
    await killed(started.child, "SIGTERM");
  });

  it("keeps every acknowledged message after kill -9", async () => {
    const db = join(dir, "kill.db");
    const first = await startBin(db);
    const auth = { user: first.accountSid, password: first.authToken };
    const path = `/api/2010-04-01/Accounts/${first.accountSid}/Messages.json`;
    const created = await Promise.all(
      Array.from({ length: 200 }, (_, i) => api(first.url, "POST", path, { ...auth, form: { To: "+15558675310", From: first.phoneNumber, Body: `durable ${i}` } })),
    );
    expect(created.every((result) => result.status === 201)).toBe(true);
    const sub = await api(first.url, "POST", "/api/2010-04-01/Accounts.json", { ...auth, form: { FriendlyName: "survivor" } });
    const receiver = await startReceiver();
    const tracked = await api(first.url, "POST", path, { ...auth, form: { To: "+15558675310", From: first.phoneNumber, Body: "with callbacks", StatusCallback: receiver.url } });
    await killed(first.child, "SIGKILL");

    const second = await startBin(db);
    const listed = await api(second.url, "GET", `${path}?PageSize=1000`, auth);
    const sids = new Set(listed.body.messages.map((message: { sid: string }) => message.sid));
    for (const result of created) expect(sids.has(result.body.sid)).toBe(true);
    const account = await api(second.url, "GET", `/api/2010-04-01/Accounts/${sub.body.sid}.json`, { user: sub.body.sid, password: sub.body.auth_token });
    expect(account.body.friendly_name).toBe("survivor");
    // the lifecycle plan and the callback job were stored too: they go on after the restart
    await control(second.url, "POST", "/clock/advance", { ms: 60_000 });
    const after = await api(second.url, "GET", `/api${created[0]!.body.uri}`, auth);
    expect(after.body.status).toBe("delivered");
    expect(receiver.received.map((request) => `${request.params.MessageSid} ${request.params.MessageStatus}`)).toEqual([
      `${tracked.body.sid} sent`,
      `${tracked.body.sid} delivered`,
    ]);
    await receiver.close();
    await killed(second.child, "SIGTERM");
  });

  it("keeps data across a graceful restart", async () => {
    const db = join(dir, "graceful.db");
    const first = await startBin(db);
    const auth = { user: first.accountSid, password: first.authToken };
    const bought = await api(first.url, "POST", `/api/2010-04-01/Accounts/${first.accountSid}/IncomingPhoneNumbers.json`, { ...auth, form: { PhoneNumber: "+15555550177" } });
    await killed(first.child, "SIGTERM");
    const second = await startBin(db);
    const fetched = await api(second.url, "GET", `/api${bought.body.uri}`, auth);
    expect(fetched.body.phone_number).toBe("+15555550177");
    await killed(second.child, "SIGTERM");
  });
});
