// `twk sandbox start --open`: the console URL is printed and handed to the browser command.
import { afterEach, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openCommand } from "../src/open-url.js";
import { runTwk, tempHome, type TempHome } from "./helpers/run-twk.js";

let home: TempHome | undefined;
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill("SIGKILL");
  home?.cleanup();
  child = home = undefined;
});

async function until<T>(read: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("twk sandbox start --open", () => {
  it("prints the console URL and opens it with $BROWSER", async () => {
    home = tempHome();
    const opened = join(home.env.HOME!, "opened.txt");
    const browser = join(home.env.HOME!, "fake-browser");
    writeFileSync(browser, `#!${process.execPath}\nrequire("node:fs").writeFileSync(${JSON.stringify(opened)}, process.argv.slice(2).join(" "));\n`);
    chmodSync(browser, 0o755);
    let stdout = "";
    const run = runTwk(["sandbox", "start", "--port", "0", "--db", ":memory:", "--no-profile", "--open", "-o", "json"], { ...home.env, BROWSER: browser }, {
      onSpawn: (c) => {
        child = c;
        c.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
      },
    });
    const info = JSON.parse(await until(() => (stdout.includes("\n") ? stdout.split("\n")[0] : undefined))) as { url: string; consoleUrl: string };
    expect(info.consoleUrl).toBe(`${info.url}/`);
    expect(await until(() => (existsSync(opened) ? readFileSync(opened, "utf8") || undefined : undefined))).toBe(info.consoleUrl);
    // the URL it opened serves the console page
    const page = await fetch(info.consoleUrl);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    child!.kill("SIGINT");
    expect((await run).code).toBe(130);
  });

  it("keeps the sandbox running and says so when no browser can be started", async () => {
    home = tempHome();
    let stdout = "";
    let stderr = "";
    const run = runTwk(["sandbox", "start", "--port", "0", "--db", ":memory:", "--no-profile", "--open", "-o", "json"], { ...home.env, BROWSER: join(home.env.HOME!, "no-such-browser") }, {
      onSpawn: (c) => {
        child = c;
        c.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
        c.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      },
    });
    const info = JSON.parse(await until(() => (stdout.includes("\n") ? stdout.split("\n")[0] : undefined))) as { url: string };
    await until(() => (stderr.includes("cannot open a browser") ? true : undefined));
    expect(stderr).toContain(`open ${info.url}/ yourself`);
    expect((await fetch(`${info.url}/_sandbox/health`)).status).toBe(200);
    child!.kill("SIGINT");
    expect((await run).code).toBe(130);
  });

  it("picks the platform's opener without $BROWSER", () => {
    expect(openCommand("http://127.0.0.1:4010/", {}, "darwin")).toEqual(["open", ["http://127.0.0.1:4010/"]]);
    expect(openCommand("http://127.0.0.1:4010/", {}, "linux")).toEqual(["xdg-open", ["http://127.0.0.1:4010/"]]);
    expect(openCommand("http://127.0.0.1:4010/", {}, "win32")).toEqual(["cmd", ["/c", "start", '""', "http://127.0.0.1:4010/"]]);
    expect(openCommand("http://x/", { BROWSER: "firefox" }, "linux")).toEqual(["firefox", ["http://x/"]]);
  });
});
