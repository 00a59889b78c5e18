// Real headless Chromium for the console tests: Debian's `chromium`, installed with apt-get when
// missing (as root, or through passwordless sudo as on CI runners), driven by playwright-core. Every page records the requests it makes
// and the errors it logs, so a test can assert the console stays on the sandbox's origin.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = "/usr/bin/chromium";
// Ubuntu and the GitHub runners name it differently or ship Chrome; CHROMIUM_PATH overrides all
const CANDIDATES = [CHROMIUM, "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

/** The browser the tests drive: CHROMIUM_PATH, else the first installed candidate. */
export function browserPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

/** Installs chromium with apt-get when no browser is found (as root, or with passwordless sudo); returns why not when it cannot. */
export function ensureChromium(): string | undefined {
  if (browserPath()) return undefined;
  if (process.env.CHROMIUM_PATH) return `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  let sudo: string[] = [];
  if (!isRoot) {
    try {
      execFileSync("sudo", ["-n", "true"], { stdio: "ignore", timeout: 10_000 });
      sudo = ["sudo", "-n"];
    } catch {
      return `no Chromium (${CANDIDATES.join(", ")}) and this user cannot apt-get install it (run: sudo apt-get install -y chromium, or set CHROMIUM_PATH)`;
    }
  }
  const run = (args: string[], timeout: number) => {
    const [command, ...rest] = [...sudo, ...args];
    execFileSync(command!, rest, { stdio: "ignore", timeout, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  };
  try {
    run(["apt-get", "update"], 300_000);
    run(["apt-get", "install", "-y", "chromium"], 600_000);
  } catch (error) {
    return `no Chromium and apt-get install -y chromium failed: ${(error as Error).message}`;
  }
  return browserPath() ? undefined : `apt-get installed chromium but ${CHROMIUM} is still missing`;
}

/** Builds the console into dist/console when it is not built yet (vitest runs the server from src). */
export function ensureConsoleBuilt(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
  if (existsSync(join(root, "dist/console/index.html")) && existsSync(join(root, "dist/console/app.js"))) return;
  execFileSync(process.execPath, [join(root, "console/build.mjs")], { stdio: "inherit" });
}

/** Launches headless Chromium. */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: browserPath() ?? CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
}

/** A page with its outgoing request URLs and console errors recorded. */
export interface WatchedPage {
  page: Page;
  requests: string[];
  errors: string[];
}

/** Opens a page in a fresh context (light or dark, any viewport) that records requests and errors. */
export async function openPage(browser: Browser, options: { width?: number; height?: number; colorScheme?: "light" | "dark" } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 860 }, colorScheme: options.colorScheme ?? "light" });
  const page = await context.newPage();
  // fail within a test's time budget, with Playwright's message rather than vitest's timeout
  page.setDefaultTimeout(10_000);
  const watched: WatchedPage = { page, requests: [], errors: [] };
  page.on("request", (request) => watched.requests.push(request.url()));
  page.on("console", (message) => {
    if (message.type() === "error") watched.errors.push(message.text());
  });
  page.on("pageerror", (error) => watched.errors.push(error.message));
  return watched;
}
