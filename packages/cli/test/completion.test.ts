import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { runTwk, tempHome, type TempHome } from "./helpers/run-twk.js";

let home: TempHome;
beforeAll(() => {
  home = tempHome();
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

  it("produces a bash script bash can load", async () => {
    if (!hasShell("bash")) return;
    const script = (await runTwk(["completion", "bash"], home.env)).stdout;
    expect(() => execFileSync("bash", ["-n"], { input: script })).not.toThrow();
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
