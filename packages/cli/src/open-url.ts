// Opens a URL in the user's default browser: $BROWSER when set (the convention of xdg-utils and
// many CLIs, and what the tests use), else `open` (macOS), `start` (Windows) or `xdg-open`.
import { spawn } from "node:child_process";

/** The command and arguments that open `url` on this platform. */
export function openCommand(url: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): [string, string[]] {
  if (env.BROWSER) return [env.BROWSER, [url]];
  if (platform === "darwin") return ["open", [url]];
  // `start` is a cmd.exe builtin; its first quoted argument is a window title
  if (platform === "win32") return ["cmd", ["/c", "start", '""', url]];
  return ["xdg-open", [url]];
}

/** Starts the browser detached; resolves to an error message when it could not be started (never throws). */
export function openInBrowser(url: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const [command, args] = openCommand(url, env);
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, { detached: true, stdio: "ignore", env });
      child.once("error", (error) => resolve(`cannot open a browser (${command}: ${(error as NodeJS.ErrnoException).code ?? error.message})`));
      child.once("spawn", () => {
        child.unref();
        resolve(undefined);
      });
    } catch (error) {
      resolve(`cannot open a browser (${command}: ${(error as Error).message})`);
    }
  });
}
