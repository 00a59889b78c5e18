// `twk sms segments`: the breakdown as printed, -o json as @twilio-kit/core/segments returns it, the
// inputs (argument, stdin, --file) and their errors, and colour only on a terminal.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { segments } from "@twilio-kit/core/segments";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/exit-codes.js";
import { runTwk, tempHome, type TempHome } from "./helpers/run-twk.js";
import { hasScript, runInTty } from "./helpers/tty.js";

let home: TempHome;
beforeAll(() => {
  home = tempHome();
});
afterAll(() => home.cleanup());

const run = (args: string[], input?: string) => runTwk(["sms", "segments", ...args], home.env, input === undefined ? {} : { input });

/** The value of one row of the breakdown (`label  value`). */
function row(stdout: string, label: string): string | undefined {
  return stdout.split("\n").find((line) => line.startsWith(`${label}  `))?.slice(label.length).trim();
}

describe("twk sms segments", () => {
  it("prints the encoding, counts and the characters that force UCS-2", async () => {
    const result = await run(["Don’t miss it — 20% off…"]);
    expect(result.code).toBe(EXIT.ok);
    expect(row(result.stdout, "encoding")).toBe("UCS-2");
    expect(row(result.stdout, "segments")).toBe("1");
    expect(row(result.stdout, "characters")).toBe("24");
    expect(row(result.stdout, "units per segment")).toBe("70");
    expect(row(result.stdout, "left in segment")).toBe("46");
    expect(row(result.stdout, "non-GSM characters")).toBe("’ U+2019, — U+2014, … U+2026");
    expect(result.stdout).not.toContain("\u001b[");
  });

  it("counts 161 GSM-7 characters as two segments of 153", async () => {
    const result = await run(["x".repeat(161)]);
    expect(row(result.stdout, "encoding")).toBe("GSM-7");
    expect(row(result.stdout, "segments")).toBe("2");
    expect(row(result.stdout, "units per segment")).toBe("153");
    expect(row(result.stdout, "left in segment")).toBe("145");
    expect(row(result.stdout, "non-GSM characters")).toBe("none");
  });

  it("applies Smart Encoding with --smart-encoding and shows the body as sent", async () => {
    const result = await run(["Don’t miss it — 20% off…", "--smart-encoding"]);
    expect(row(result.stdout, "encoding")).toBe("GSM-7");
    expect(row(result.stdout, "smart encoded")).toBe("yes: ’ U+2019, — U+2014, … U+2026");
    expect(row(result.stdout, "sent as")).toBe("Don't miss it - 20% off...");
    expect(row(result.stdout, "left in segment")).toBe("134");
  });

  it("says when Smart Encoding cannot help because of an emoji", async () => {
    const result = await run(["It’s done 🎉", "--smart-encoding"]);
    expect(row(result.stdout, "encoding")).toBe("UCS-2");
    expect(row(result.stdout, "smart encoded")).toBe("no");
    expect(row(result.stdout, "non-GSM characters")).toBe("’ U+2019, 🎉 U+1F389");
  });

  it("prints exactly the library's answer with -o json", async () => {
    const body = "“Hi” 👋 — see you at 5€";
    for (const flags of [[], ["--smart-encoding"]]) {
      const result = await run([body, "-o", "json", ...flags]);
      expect(result.code).toBe(EXIT.ok);
      expect(JSON.parse(result.stdout)).toEqual(segments(body, { smartEncoding: flags.length > 0 }));
    }
  });

  it("shows invisible and control characters by code point, never raw", async () => {
    const result = await run(["a\u00a0b\u001b[31mc\td"]);
    expect(row(result.stdout, "non-GSM characters")).toBe("U+00A0, U+001B, U+0009");
    expect(row(result.stdout, "body")).toBe("a<U+00A0>b<U+001B>[31mc\\td");
    expect(result.stdout).not.toContain("\u001b");
  });

  it("reads the body from stdin with - and drops the trailing newline", async () => {
    const result = await run(["-", "-o", "json"], "héllo\n");
    expect(JSON.parse(result.stdout)).toMatchObject({ encoding: "GSM-7", characters: 5 });
  });

  it("reads the body from --file", async () => {
    const file = join(home.home, "body.txt");
    writeFileSync(file, `${"€".repeat(81)}\n`);
    const result = await run(["--file", file, "-o", "json"]);
    expect(JSON.parse(result.stdout)).toMatchObject({ encoding: "GSM-7", characters: 81, units: 162, segments: 2 });
  });

  it("notes Twilio's 1,600-character limit on stderr and still answers", async () => {
    const result = await run(["a".repeat(1601)]);
    expect(result.code).toBe(EXIT.ok);
    expect(row(result.stdout, "segments")).toBe("11");
    expect(result.stderr).toContain("21617");
  });

  it("rejects a missing body, two bodies, an unreadable file and an unknown subcommand with exit 2", async () => {
    const none = await run([]);
    expect(none).toMatchObject({ code: EXIT.usage });
    expect(none.stderr).toContain("needs a body");
    const two = await run(["hello", "there"]);
    expect(two.code).toBe(EXIT.usage);
    expect(two.stderr).toContain('quote the text: twk sms segments "Hello there"');
    const missing = await run(["--file", join(home.home, "nope.txt")]);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toContain("nope.txt");
    expect(missing.stderr).toContain("ENOENT");
    const unknown = await runTwk(["sms", "count", "x"], home.env);
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toContain('unknown command "sms count"');
  });

  it("is listed in twk --help and offered by completion", async () => {
    expect((await runTwk(["--help"], home.env)).stdout).toMatch(/^ {2}sms +sms segments/m);
    expect((await runTwk(["__complete", "--", "sm"], home.env)).stdout).toBe("sms\n");
    expect((await runTwk(["__complete", "--", "sms", ""], home.env)).stdout).toBe("segments\n");
    expect((await runTwk(["__complete", "--", "sms", "segments", "--sm"], home.env)).stdout).toBe("--smart-encoding\n");
  });
});

describe.runIf(hasScript())("twk sms segments on a terminal", () => {
  const ttyEnv = () => {
    const env: NodeJS.ProcessEnv = { ...home.env, TERM: "xterm" };
    delete env.NO_COLOR;
    return env;
  };

  it("highlights each non-GSM character of the body", async () => {
    const output = (await runInTty(["sms", "segments", "a’b🎉"], ttyEnv())).output;
    expect(output).toContain("a\u001b[7;31m’\u001b[27;39mb\u001b[7;31m🎉\u001b[27;39m");
  });

  it("highlights the characters Smart Encoding replaced", async () => {
    const output = (await runInTty(["sms", "segments", "a’b", "--smart-encoding"], ttyEnv())).output;
    expect(output).toContain("a\u001b[7;31m’\u001b[27;39mb");
  });

  it("prints no escape codes with NO_COLOR or --no-color", async () => {
    expect((await runInTty(["sms", "segments", "a’b🎉"], { ...ttyEnv(), NO_COLOR: "1" })).output).not.toContain("\u001b[");
    expect((await runInTty(["sms", "segments", "a’b🎉", "--no-color"], ttyEnv())).output).not.toContain("\u001b[");
  });
});
