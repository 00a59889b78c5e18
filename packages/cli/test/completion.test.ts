import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ACCOUNT_SID, AUTH_TOKEN } from "./helpers/fake-twilio.js";
import { TWK, runTwk, tempHome, type TempHome } from "./helpers/run-twk.js";

let home: TempHome;
/** home.env with a `twk` on PATH: the completion scripts call `twk __complete`. */
let shellEnv: NodeJS.ProcessEnv;
beforeAll(async () => {
  home = tempHome();
  const bin = join(home.home, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "twk"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(TWK)} "$@"\n`);
  chmodSync(join(bin, "twk"), 0o755);
  shellEnv = { ...home.env, PATH: `${bin}:${process.env.PATH}` };
  for (const shell of ["bash", "zsh", "fish"]) writeFileSync(join(home.home, `twk.${shell}`), (await runTwk(["completion", shell], home.env)).stdout);
  await runTwk(["login", "--profile", "work", "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN], home.env);
});
afterAll(() => home.cleanup());

function hasShell(shell: string): boolean {
  try {
    execFileSync(shell, ["-c", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const ZSH_COMPLETE = fileURLToPath(new URL("./helpers/zsh-complete.zsh", import.meta.url));

/**
 * Loads `twk completion <shell>` in the real shell, completes `line` (the cursor at its end) the way
 * the shell does on TAB, and returns the sorted candidates.
 */
function completeIn(shell: "bash" | "zsh" | "fish", line: string): string[] {
  const script = join(home.home, `twk.${shell}`);
  const options = { env: shellEnv, encoding: "utf8" as const, timeout: 20_000 };
  let out: string;
  if (shell === "bash") {
    // What bash does on TAB: split the line into COMP_WORDS and call the function `complete -p` names.
    const words = line.split(" ");
    const driver = `source "$1"; shift
fn=$(complete -p twk | sed -E 's/.* -F ([^ ]+) .*/\\1/')
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=\${#COMP_LINE}
"$fn" twk "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"`;
    out = execFileSync("bash", ["--norc", "--noprofile", "-c", driver, "bash", script, ...words], options);
  } else if (shell === "fish") {
    out = execFileSync("fish", ["--no-config", "-c", "source $argv[1]; complete -C $argv[2]", script, line], options);
  } else {
    out = execFileSync("zsh", ["-f", ZSH_COMPLETE, script, line], options);
  }
  // fish prints "candidate<TAB>description"
  return [...new Set(out.split("\n").map((l) => l.split("\t")[0]!).filter(Boolean))].sort();
}

const SHELLS = ["bash", "zsh", "fish"] as const;
const installed = Object.fromEntries(SHELLS.map((shell) => [shell, hasShell(shell)])) as Record<(typeof SHELLS)[number], boolean>;

describe("shell completion", () => {
  it.each([
    ["bash", "complete -o default -F _twk_complete twk"],
    ["zsh", "compdef _twk twk"],
    ["fish", "complete -c twk"],
  ])("prints a %s script that asks twk for candidates", async (shell, marker) => {
    const result = await runTwk(["completion", shell], home.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(marker);
    expect(result.stdout).toContain("twk __complete");
  });

  it("rejects an unknown shell", async () => {
    expect((await runTwk(["completion", "tcsh"], home.env)).code).toBe(2);
  });

  it("completes top-level commands, generated command words and flags", async () => {
    expect((await runTwk(["__complete", "--", "pro"], home.env)).stdout).toBe("profiles\n");
    expect((await runTwk(["__complete", "--", "api", "messaging", ""], home.env)).stdout).toBe("v1\nv2\n");
    expect((await runTwk(["__complete", "--", "api", "messages", "cr"], home.env)).stdout).toBe("create\n");
    const flags = (await runTwk(["__complete", "--", "api", "messages", "create", "--st"], home.env)).stdout.split("\n");
    expect(flags).toContain("--status-callback");
    expect((await runTwk(["__complete", "--", "api", "messages", "list", "-o", ""], home.env)).stdout).toBe("table\njson\nndjson\ncsv\n");
  });
});

// Real shells: the apt packages bash, zsh and fish. They are not part of the repo's install step, so
// each block says in its name why it was skipped on a machine without that shell.
for (const shell of SHELLS) {
  const skipped = installed[shell] ? "" : ` (skipped: no ${shell} on PATH; apt-get install ${shell})`;
  describe.skipIf(!installed[shell])(`${shell} completion in a real ${shell}${skipped}`, () => {
    it("completes top-level commands", () => {
      expect(completeIn(shell, "twk pro")).toEqual(["profiles"]);
      expect(completeIn(shell, "twk s")).toEqual(["sandbox", "send", "sms"]);
    });

    it("completes generated command words", () => {
      expect(completeIn(shell, "twk api mes")).toEqual(["messages", "messaging"]);
      expect(completeIn(shell, "twk api messages cr")).toEqual(["create"]);
      expect(completeIn(shell, "twk api messaging ")).toEqual(["v1", "v2"]);
    });

    it("completes subcommands of hand-written commands", () => {
      expect(completeIn(shell, "twk profiles ")).toEqual(["import", "list", "remove", "use"]);
    });

    it("completes an operation's flags and the global ones", () => {
      const flags = completeIn(shell, "twk api messages create --st");
      expect(flags).toContain("--status-callback");
      expect(flags.every((f) => f.startsWith("--st"))).toBe(true);
      expect(completeIn(shell, "twk api messages create --no-")).toEqual(["--no-color", "--no-limit"]);
    });

    it("completes flag values: output formats and profile names", () => {
      expect(completeIn(shell, "twk api messages list -o ")).toEqual(["csv", "json", "ndjson", "table"]);
      expect(completeIn(shell, "twk send sms --profile ")).toEqual(["work"]);
    });

    it("offers nothing for an unknown command", () => {
      expect(completeIn(shell, "twk nosuchcommand ")).toEqual([]);
    });
  });
}
