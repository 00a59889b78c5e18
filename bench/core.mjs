#!/usr/bin/env node
// @twilio-kit/core side by side with the official `twilio` package, in one run on this machine:
// bundle size of a send-one-SMS script, import-to-client time (in-process and whole process),
// client CPU and throughput per create at 1 and 32 connections next to a bare node:http client,
// and package size. Every figure is a median with its raw runs. Writes results/core.md.
// Needs a built core: `pnpm turbo run build --filter=@twilio-kit/core`.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { machineMarkdown, median, rawRuns, trackLoad } from "./machine.mjs";

const here = new URL(".", import.meta.url).pathname;
const require = createRequire(import.meta.url);
const esbuild = require("esbuild");
const TWILIO = `twilio ${require("twilio/package.json").version}`;
const endLoad = trackLoad();
const lines = [];
const log = (line = "") => {
  console.log(line);
  lines.push(line);
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

// --- bundle size -------------------------------------------------------------------------------
const sendScript = (specifier) => `import { createTwilio } from "${specifier}";
const twilio = createTwilio();
twilio.messages.create({ To: "+15558675310", From: "+15017122661", Body: "Hi" }).then((m) => console.log(m.sid));`;
const bundles = [
  ["twilio-kit subpath `@twilio-kit/core/api-v2010`", sendScript("@twilio-kit/core/api-v2010")],
  ["twilio-kit root `@twilio-kit/core`", sendScript("@twilio-kit/core")],
  [
    TWILIO,
    `import twilio from "twilio";
const client = twilio();
client.messages.create({ to: "+15558675310", from: "+15017122661", body: "Hi" }).then((m) => console.log(m.sid));`,
  ],
];

/** Output files a chunk reaches through static imports (what runs before the script's first line). */
function staticClosure(files, name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const match of files.get(name).matchAll(/(?:import|from)\s*"\.\/([^"]+)"/g)) staticClosure(files, match[1], seen);
  return seen;
}

// Node: what `--platform=node` resolves (the node:http build). Worker: wrangler's conditions (the fetch build).
const PLATFORMS = {
  node: { platform: "node" },
  worker: { platform: "neutral", conditions: ["workerd", "worker", "browser"], mainFields: ["module", "main"] },
};

async function bundle(source, splitting, target) {
  const dir = mkdtempSync(join(here, ".bundle-"));
  try {
    const entry = join(dir, "send.mjs");
    writeFileSync(entry, source);
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      ...PLATFORMS[target],
      format: "esm",
      splitting,
      outdir: join(dir, "out"),
      write: false,
      logLevel: "silent",
    });
    const files = new Map(result.outputFiles.map((f) => [f.path.slice(join(dir, "out").length + 1), f.text]));
    const loaded = [...staticClosure(files, "send.js")].map((name) => Buffer.from(files.get(name)));
    const all = [...files.values()].map((text) => Buffer.from(text));
    const size = (list) => list.reduce((sum, b) => sum + b.length, 0);
    return { loaded: size(loaded), loadedGzip: size(loaded.map((b) => gzipSync(b))), all: size(all), chunks: files.size };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

log("## Bundle of a script that sends one SMS (esbuild `--bundle --minify --format=esm`)\n");
log("\"Loaded\" is what runs to send the SMS: the entry and the chunks it imports statically. With code");
log("splitting (what Vite, webpack and Next.js do with `import()`), the root entry's other products are");
log("separate chunks loaded on first use; without it (one file, as wrangler bundles a Worker) they are");
log("inlined but not run until used. Build \"node\" is `--platform=node` (twilio-kit's node:http build);");
log("\"worker\" is `--platform=neutral` with wrangler's conditions `workerd, worker, browser` (the fetch build).\n");
log("| client | build | code splitting | loaded, minified | loaded, gzip | all output | files |");
log("| --- | --- | --- | ---: | ---: | ---: | ---: |");
for (const [name, source] of bundles) {
  // twilio-node needs Node built-ins: it does not bundle for a Worker
  for (const target of name === TWILIO ? ["node"] : ["node", "worker"]) {
    for (const splitting of [true, false]) {
      const r = await bundle(source, splitting, target);
      log(`| ${name} | ${target} | ${splitting ? "yes" : "no (one file)"} | ${kb(r.loaded)} | ${kb(r.loadedGzip)} | ${kb(r.all)} | ${r.chunks} |`);
    }
  }
}
log(`\nesbuild ${esbuild.version}.`);

// --- import to client ----------------------------------------------------------------------------
const SID = 'accountSid: "AC" + "0".repeat(32), authToken: "x"';
const clients = [
  ["twilio-kit subpath", `const { createTwilio } = await import("@twilio-kit/core/api-v2010"); createTwilio({ ${SID} });`],
  ["twilio-kit root", `const { createTwilio } = await import("@twilio-kit/core"); createTwilio({ ${SID} });`],
  [TWILIO, `const { default: twilio } = await import("twilio"); twilio("AC" + "0".repeat(32), "x");`],
];
const RUNS = 15;

/** Runs each case RUNS times, interleaved round by round so a load spike hits every case alike. */
function interleaved(cases, measure) {
  const samples = cases.map(() => []);
  for (let round = 0; round < RUNS; round++) cases.forEach((c, i) => samples[i].push(measure(c)));
  return samples;
}

function inProcess([, code]) {
  const script = `const t0 = performance.now();\n${code}\nconsole.log(performance.now() - t0);`;
  const out = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: here, encoding: "utf8" });
  if (out.status !== 0) throw new Error(out.stderr);
  return Number(out.stdout.trim());
}

log(`\n## Import to client, in-process: from \`import()\` to a constructed client (median of ${RUNS} fresh processes)\n`);
log("| client | median | raw runs (ms) |");
log("| --- | ---: | --- |");
interleaved(clients, inProcess).forEach((runs, i) => log(`| ${clients[i][0]} | ${median(runs).toFixed(1)} ms | ${rawRuns(runs)} |`));

function wholeProcess([, code]) {
  const start = process.hrtime.bigint();
  const out = spawnSync(process.execPath, ["--input-type=module", "-e", `${code}\nconsole.log(process.memoryUsage().rss)`], { cwd: here, encoding: "utf8" });
  if (out.status !== 0) throw new Error(out.stderr);
  return { wallMs: Number(process.hrtime.bigint() - start) / 1e6, rssMiB: Number(out.stdout.trim().split("\n").pop()) / 2 ** 20 };
}
log(`\n## Cold start, whole process: \`node -e\` that imports the client and creates it (median of ${RUNS})\n`);
log("| client | wall | over bare node | RSS | raw wall runs (ms) |");
log("| --- | ---: | ---: | ---: | --- |");
const processCases = [["bare `node -e 0`", ""], ...clients];
const processRuns = interleaved(processCases, wholeProcess);
const bareWall = median(processRuns[0].map((r) => r.wallMs));
processRuns.forEach((runs, i) => {
  const wall = median(runs.map((r) => r.wallMs));
  const over = i === 0 ? "—" : `+${(wall - bareWall).toFixed(1)} ms`;
  log(`| ${processCases[i][0]} | ${wall.toFixed(1)} ms | ${over} | ${median(runs.map((r) => r.rssMiB)).toFixed(1)} MiB | ${rawRuns(runs.map((r) => r.wallMs))} |`);
});

// --- throughput against a local server in another process ---------------------------------------
const serverSource = `
const http = require("node:http");
const body = JSON.stringify({ sid: "SM" + "a".repeat(32), status: "queued", num_segments: "1", to: "+15558675310" });
http.createServer((req, res) => { req.resume(); req.on("end", () => { res.writeHead(201, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }); res.end(body); }); })
  .listen(0, "127.0.0.1", function () { console.log(this.address().port); });`;
const server = spawn(process.execPath, ["-e", serverSource], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise((resolve) => server.stdout.once("data", (d) => resolve(Number(String(d).trim()))));
const url = `http://127.0.0.1:${port}`;
const REQUESTS = 3000;
const ROUNDS = 3;
const variants = [
  ["node-http", "bare `node:http` request (baseline)"],
  ["fetch", "bare global `fetch`"],
  ["twilio-kit", "twilio-kit subpath"],
  ["twilio-kit-root", "twilio-kit root"],
  ["twilio", TWILIO],
];
log(`\n## Client cost per \`messages.create\` against a local server (server in its own process)\n`);
log(`Each cell: median of ${ROUNDS} client processes, each timing ${REQUESTS.toLocaleString("en-US")} requests after 500 warm-up; rounds`);
log("interleave the variants. CPU is the client process's user+system time per request.\n");
log("| client | connections | req/s | CPU/req | CPU vs node:http | raw req/s |");
log("| --- | ---: | ---: | ---: | ---: | --- |");
const cells = new Map();
for (let round = 0; round < ROUNDS; round++) {
  for (const [variant] of variants) {
    for (const connections of [1, 32]) {
      const out = execFileSync(process.execPath, ["core-client.mjs", variant, url, String(REQUESTS), String(connections)], { cwd: here, encoding: "utf8" });
      const { wallMs, cpuUs } = JSON.parse(out);
      const key = `${variant} ${connections}`;
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push({ rps: REQUESTS / (wallMs / 1000), cpuUs: cpuUs / REQUESTS });
    }
  }
}
server.kill();
for (const connections of [1, 32]) {
  const baseline = median(cells.get(`node-http ${connections}`).map((r) => r.cpuUs));
  for (const [variant, label] of variants) {
    const runs = cells.get(`${variant} ${connections}`);
    const cpu = median(runs.map((r) => r.cpuUs));
    log(`| ${label} | ${connections} | ${median(runs.map((r) => r.rps)).toFixed(0)} | ${cpu.toFixed(0)} µs | ${(cpu / baseline).toFixed(2)}× | ${rawRuns(runs.map((r) => r.rps), 0)} |`);
  }
}

// --- package size --------------------------------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), "bench-core-"));
function packInfo(spec, cwd) {
  const [info] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", spec], { cwd, encoding: "utf8" }));
  return info;
}
function du(dir) {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat) total += stat.isDirectory() ? du(path) : stat.size;
  }
  return total;
}
log("\n## Package size\n");
log("Unpacked and tarball: `npm pack --dry-run`. Installed: `npm install` of the package alone into an empty");
log("project, every file under node_modules.\n");
log("| package | unpacked | files | tarball | installed, with dependencies | packages installed |");
log("| --- | ---: | ---: | ---: | ---: | ---: |");
const core = join(here, "../packages/core");
const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", work], { cwd: core, encoding: "utf8" }).trim().split("\n").pop();
for (const [name, spec, info] of [
  ["@twilio-kit/core", join(work, tarball), packInfo(".", core)],
  [TWILIO, `twilio@${require("twilio/package.json").version}`, packInfo(`twilio@${require("twilio/package.json").version}`, work)],
]) {
  const project = join(work, name.replace(/\W/g, "_"));
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "package.json"), "{}");
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", spec], { cwd: project });
  const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8"));
  const count = Object.keys(lock.packages).filter((p) => p.startsWith("node_modules/")).length;
  const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
  log(`| ${name} | ${mb(info.unpackedSize)} | ${info.entryCount} | ${mb(info.size)} | ${mb(du(join(project, "node_modules")))} | ${count} (${count - 1} runtime dependencies) |`);
}
rmSync(work, { recursive: true, force: true });

mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(
  join(here, "results/core.md"),
  `# @twilio-kit/core vs twilio (official)\n\n${machineMarkdown(endLoad)}Command: \`node bench/core.mjs\` (after building @twilio-kit/core)\n\n${lines.join("\n")}\n`,
);
console.log(`\nwrote ${join(dirname(here), "bench/results/core.md")}`);
