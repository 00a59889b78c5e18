// Running twk on a pseudo-terminal through util-linux `script`, for tests of terminal behaviour
// (tables, colours, highlighting). Tests skip themselves with `describe.runIf(hasScript())`.
import { execFileSync, spawn } from "node:child_process";
import { TWK } from "./run-twk.js";

/** Whether util-linux `script` is available to provide a pseudo-terminal. */
export function hasScript(): boolean {
  try {
    execFileSync("script", ["-q", "-e", "-c", "true", "/dev/null"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Quotes one argument for `sh -c` (the command line `script -c` runs). */
export const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `twk ...args` on a pseudo-terminal; its exit code and what the terminal showed (with `\n` line ends). */
export function runInTty(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, TWK, ...args].map(quote).join(" ");
    const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output: output.replace(/\r\n/g, "\n") }));
  });
}
