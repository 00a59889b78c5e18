// Launching a script on the other runtimes the packages promise: Bun, Deno and Cloudflare's workerd
// (all three from their npm packages in e2e). The runtime tests of core and tokens share these.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);
/** The e2e folder: scripts run here so bare specifiers resolve from its node_modules. */
const here = new URL("../..", import.meta.url).pathname;
const bin = (name: string) => join(here, "node_modules/.bin", name);

/** Runs an ES module `source` with Bun; returns its stdout. */
export async function runWithBun(name: string, source: string): Promise<string> {
  return runFile(name, source, (file) => execFileAsync(bin("bun"), ["run", file], { cwd: here }));
}

/** Runs an ES module `source` with Deno under the given permission flags (no prompt); returns its stdout. */
export async function runWithDeno(name: string, source: string, permissions: readonly string[]): Promise<string> {
  return runFile(name, source, (file) =>
    execFileAsync(bin("deno"), ["run", ...permissions, "--no-prompt", file], { cwd: here, env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" } }),
  );
}

async function runFile(name: string, source: string, launch: (file: string) => Promise<{ stdout: string }>): Promise<string> {
  const file = join(here, `.${name}.mjs`);
  writeFileSync(file, source);
  try {
    return (await launch(file)).stdout;
  } finally {
    rmSync(file, { force: true });
  }
}

/** A Worker for workerd: the module source, its text bindings, and whether it may open connections. */
export interface WorkerOptions {
  /** Prefix of the temporary folder. */
  name: string;
  /** The Worker's entry module (bundled with esbuild as wrangler would). */
  entry: string;
  /** `env` text bindings. */
  bindings?: Record<string, string>;
  /** Lets `fetch` in the Worker reach public, private and local addresses. */
  hasNetwork?: boolean;
}

function workerdConfig(port: number, options: WorkerOptions): string {
  const net = options.hasNetwork ? `,\n    (name = "net", network = (allow = ["public", "private", "local"]))` : "";
  const bindings = Object.entries(options.bindings ?? {}).map(([name, text]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(text)})`);
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker)${net}
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2024-09-23",${options.hasNetwork ? `\n  globalOutbound = "net",` : ""}
  bindings = [ ${bindings.join(", ")} ],
);
`;
}

/** Bundles the Worker, serves it with workerd on 127.0.0.1 and fetches `/` once; the server stops after. */
export async function fetchFromWorkerd(options: WorkerOptions): Promise<{ status: number; text: string; stderr: string }> {
  const esbuild = createRequire(import.meta.url)("esbuild") as typeof import("esbuild");
  const dir = mkdtempSync(join(tmpdir(), `${options.name}-`));
  try {
    writeFileSync(join(dir, "entry.mjs"), options.entry);
    // The conditions wrangler uses: no `node`, so the fetch builds are bundled.
    await esbuild.build({
      entryPoints: [join(dir, "entry.mjs")],
      outfile: join(dir, "worker.js"),
      bundle: true,
      format: "esm",
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["module", "main"],
      nodePaths: [join(here, "node_modules")],
      logLevel: "silent",
    });
    const port = await freePort();
    writeFileSync(join(dir, "config.capnp"), workerdConfig(port, options));
    const workerd = spawn(bin("workerd"), ["serve", join(dir, "config.capnp")], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    workerd.stderr.on("data", (chunk) => (stderr += chunk));
    try {
      const response = await retryFetch(`http://127.0.0.1:${port}/`);
      return { status: response.status, text: await response.text(), stderr };
    } finally {
      workerd.kill();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** workerd needs a moment to bind; try for up to ~20 s. */
async function retryFetch(url: string): Promise<Response> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 80; attempt++) {
    try {
      return await fetch(url);
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw lastError;
}
