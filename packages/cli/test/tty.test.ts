// Terminal behaviour through a pseudo-terminal (util-linux `script`): tables by default, colours
// only without NO_COLOR. Skipped where `script` is missing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn } from "node:child_process";
import { ACCOUNT_SID, AUTH_TOKEN, startFakeTwilio, type FakeTwilio } from "./helpers/fake-twilio.js";
import { TWK, tempHome, type TempHome } from "./helpers/run-twk.js";

function hasScript(): boolean {
  try {
    execFileSync("script", ["-q", "-e", "-c", "true", "/dev/null"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function runInTty(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, TWK, ...args].map(quote).join(" ");
    const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output: output.replace(/\r\n/g, "\n") }));
  });
}

let fake: FakeTwilio;
let home: TempHome;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  fake = await startFakeTwilio();
  home = tempHome();
  env = { ...home.env, TERM: "xterm", TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_BASE_URL: fake.url };
  delete env.NO_COLOR;
});
afterAll(async () => {
  await fake.close();
  home.cleanup();
});

describe.runIf(hasScript())("on a terminal", () => {
  it("prints a table with a bold header by default", async () => {
    const result = await runInTty(["send", "sms", "--to", "+15558675310", "--from", "+15017122661", "--body", "hi"], env);
    expect(result.code).toBe(0);
    expect(result.output).toContain("\u001b[1mSID");
    expect(result.output).toMatch(/SM[0-9a-f]{32}\s+\+15558675310/);
  });

  it("prints no escape codes with NO_COLOR", async () => {
    const result = await runInTty(["send", "sms", "--to", "+15558675310", "--from", "+15017122661", "--body", "hi"], { ...env, NO_COLOR: "1" });
    expect(result.code).toBe(0);
    expect(result.output).not.toContain("\u001b[");
    expect(result.output).toMatch(/^SID\s+TO\s+FROM/m);
  });

  it("prints no escape codes with --no-color", async () => {
    const result = await runInTty(["api", "messages", "list", "--no-color"], env);
    expect(result.code).toBe(0);
    expect(result.output).not.toContain("\u001b[");
  });

  it("draws a progress bar with rate and ETA for a bulk send", async () => {
    const { writeFileSync } = await import("node:fs");
    const csv = `${home.home}/tty.csv`;
    writeFileSync(csv, "phone\n+15550000001\n+15550000002\n");
    const result = await runInTty(["messages", "send-bulk", "--csv", csv, "--from", "+15017122661", "--body", "x", "--rate", "0"], env);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/\[#+-*\] 2\/2 [\d.]+\/s ETA/);
  });
});
