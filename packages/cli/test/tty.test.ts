// Terminal behaviour through a pseudo-terminal (util-linux `script`): tables by default, colours
// only without NO_COLOR. Skipped where `script` is missing.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_SID, AUTH_TOKEN, startFakeTwilio, type FakeTwilio } from "./helpers/fake-twilio.js";
import { TWK, tempHome, type TempHome } from "./helpers/run-twk.js";
import { hasScript, quote, runInTty } from "./helpers/tty.js";

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

  it("prompts for login on a terminal without echoing the token", async () => {
    const own = tempHome();
    try {
      const token = "typed-secret-token-123";
      const command = [process.execPath, TWK, "login", "--profile", "typed"].map(quote).join(" ");
      const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], { env: own.env, stdio: ["pipe", "pipe", "pipe"] });
      let output = "";
      let step = 0;
      child.stdout.on("data", (d: Buffer) => {
        output += d.toString();
        // Answer each prompt once it is shown, so typing never races the terminal mode switch.
        if (step === 0 && output.includes("Account SID")) {
          step = 1;
          child.stdin.write(`AC${"a".repeat(32)}\r`);
        } else if (step === 1 && output.includes("Auth token:")) {
          step = 2;
          child.stdin.write(`${token}\r`);
        }
      });
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(code).toBe(0);
      expect(output).toContain("saved profile typed");
      expect(output).not.toContain(token);
      const { readFileSync } = await import("node:fs");
      const config = JSON.parse(readFileSync(`${own.env.XDG_CONFIG_HOME}/twilio-kit/config.json`, "utf8"));
      expect(config.profiles.typed.authToken).toBe(token);
    } finally {
      own.cleanup();
    }
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
