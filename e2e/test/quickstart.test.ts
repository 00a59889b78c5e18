// The README's quick-start command 1, run the way a new user runs it: in a fresh `git clone` of this
// repository, so a step that only works thanks to files lying around in the working copy (an
// installed node_modules, a built dist, an uncommitted lockfile) fails here.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repository, userEnvironment } from "./release/workspace.js";

/** The first line of the fenced `sh` block under `## Quick start`, without its `# comment`. */
function quickStartCommand(readme: string): string {
  const section = readme.split(/^## Quick start\s*$/m)[1]?.split(/^## /m)[0];
  const block = section?.match(/```sh\n([\s\S]*?)```/)?.[1];
  const line = block?.split("\n").find((l) => l.trim() !== "");
  if (!line) throw new Error("README.md has no ```sh block under ## Quick start");
  return line.replace(/\s+#.*$/, "").trim();
}

/** Runs a shell command, collecting its output; never rejects. */
function run(command: string, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, { cwd, shell: true, env: userEnvironment(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let workdir: string;
let clone: string;
beforeAll(() => {
  workdir = mkdtempSync(join(tmpdir(), "twilio-kit-quickstart-"));
  clone = join(workdir, "twilio-kit");
  execFileSync("git", ["clone", "--quiet", repository, clone], { stdio: "inherit" });
});
afterAll(() => {
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

describe("quick start", () => {
  it("finds command 1 in the README", () => {
    expect(quickStartCommand("## Quick start\n\n```sh\nnpm run demo   # install, build\nnpm test\n```\n")).toBe("npm run demo");
    expect(quickStartCommand(readFileSync(join(clone, "README.md"), "utf8"))).not.toBe("");
  });

  it("runs command 1 in a fresh clone to exit code 0 and a delivered message", async () => {
    const command = quickStartCommand(readFileSync(join(clone, "README.md"), "utf8"));
    const { code, stdout, stderr } = await run(command, clone);
    // On failure, show the end of what the user would have seen.
    expect({ code, tail: code === 0 ? "" : (stdout + stderr).slice(-4000) }).toEqual({ code: 0, tail: "" });
    expect(stdout).toMatch(/SM[0-9a-f]{32} delivered/);
  });
});
