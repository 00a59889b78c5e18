// Real headless Chromium for the console tests: Debian's `chromium`, installed with apt-get when
// missing (CI runs as root), driven by playwright-core. Every page records the requests it makes
// and the errors it logs, so a test can assert the console stays on the sandbox's origin.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = "/usr/bin/chromium";

/** Installs chromium when it is missing and apt-get can run; returns why not when it cannot. */
export function ensureChromium(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) return `${CHROMIUM} is missing and this user cannot apt-get install it (run: sudo apt-get install -y chromium)`;
  try {
    execFileSync("apt-get", ["update"], { stdio: "ignore", timeout: 300_000 });
    execFileSync("apt-get", ["install", "-y", "chromium"], { stdio: "ignore", timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  } catch (error) {
    return `${CHROMIUM} is missing and apt-get install -y chromium failed: ${(error as Error).message}`;
  }
  return existsSync(CHROMIUM) ? undefined : `apt-get installed chromium but ${CHROMIUM} is still missing`;
}

/** Builds the console into dist/console when it is not built yet (vitest runs the server from src). */
export function ensureConsoleBuilt(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
  if (existsSync(join(root, "dist/console/index.html")) && existsSync(join(root, "dist/console/app.js"))) return;
  execFileSync(process.execPath, [join(root, "console/build.mjs")], { stdio: "inherit" });
}

/** Launches headless Chromium. */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
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
