// Runs the built `twk` as a subprocess with a temp HOME/XDG_CONFIG_HOME and a clean environment.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const TWK = fileURLToPath(new URL("../../dist/twk.cjs", import.meta.url));

/** The result of one run. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A temp home; remove it with `cleanup()`. */
export interface TempHome {
  home: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** A fresh HOME and XDG_CONFIG_HOME, and an env without any TWILIO_* from the outer shell. */
export function tempHome(): TempHome {
  const home = mkdtempSync(join(tmpdir(), "twk-test-"));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), NO_COLOR: "1" };
  return { home, env, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** Spawns twk; `onSpawn` gets the child (to kill it mid-run). */
export function runTwk(args: string[], env: NodeJS.ProcessEnv, options: { input?: string; onSpawn?: (child: ChildProcess) => void; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TWK, ...args], { env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
    options.onSpawn?.(child);
  });
}
