#!/usr/bin/env node
// @twilio-kit/core side by side with the official `twilio` package, in one run on this machine:
// bundle size of a send-one-SMS script, cold import cost, client CPU and throughput per create,
// installed size and runtime dependencies. Writes results/core.md.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { machineMarkdown } from "./machine.mjs";

const here = new URL(".", import.meta.url).pathname;
const require = createRequire(import.meta.url);
const esbuild = require("esbuild");
const lines = [];
const log = (line = "") => {
  console.log(line);
  lines.push(line);
};

// --- bundle size -------------------------------------------------------------------------------
const scripts = {
  "twilio-kit (subpath `@twilio-kit/core/api-v2010`)": `import { createTwilio } from "@twilio-kit/core/api-v2010";
const twilio = createTwilio();
twilio.messages.create({ To: "+15558675310", From: "+15017122661", Body: "Hi" }).then((m) => console.log(m.sid));`,
  "twilio-kit (root `@twilio-kit/core`, every product)": `import { createTwilio } from "@twilio-kit/core";
const twilio = createTwilio();
twilio.messages.create({ To: "+15558675310", From: "+15017122661", Body: "Hi" }).then((m) => console.log(m.sid));`,
  "twilio 6.2.0": `import twilio from "twilio";
const client = twilio();
client.messages.create({ to: "+15558675310", from: "+15017122661", body: "Hi" }).then((m) => console.log(m.sid));`,
};
const work = mkdtempSync(join(tmpdir(), "bench-core-"));
log("## Bundle: a script that sends one SMS (esbuild --bundle --minify --platform=node)\n");
log("| client | minified | gzip |");
log("| --- | ---: | ---: |");
const { gzipSync } = await import("node:zlib");
for (const [name, source] of Object.entries(scripts)) {
  const entry = join(here, `.entry-${Object.keys(scripts).indexOf(name)}.mjs`);
  writeFileSync(entry, source);
  const result = await esbuild.build({ entryPoints: [entry], bundle: true, minify: true, platform: "node", format: "esm", write: false, logLevel: "silent" });
  rmSync(entry);
  const bytes = result.outputFiles[0].contents;
  log(`| ${name} | ${(bytes.length / 1024).toFixed(1)} KB | ${(gzipSync(bytes).length / 1024).toFixed(1)} KB |`);
}

// --- cold import ---------------------------------------------------------------------------------
function coldRun(code, runs = 15) {
  const walls = [];
  const rss = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const out = spawnSync(process.execPath, ["--input-type=module", "-e", `${code}\nconsole.log(process.memoryUsage().rss)`], { cwd: here, encoding: "utf8" });
    walls.push(Number(process.hrtime.bigint() - start) / 1e6);
    rss.push(Number(out.stdout.trim().split("\n").pop()));
  }
  const median = (list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
  return { wallMs: median(walls), rssMiB: median(rss) / 2 ** 20 };
}
log("\n## Cold start: whole process, median of 15 (`node -e` that imports the client and creates it)\n");
const bare = coldRun("");
const coldCases = {
  "twilio-kit subpath": 'const { createTwilio } = await import("@twilio-kit/core/api-v2010"); createTwilio({ accountSid: "AC" + "0".repeat(32), authToken: "x" });',
  "twilio-kit root": 'const { createTwilio } = await import("@twilio-kit/core"); createTwilio({ accountSid: "AC" + "0".repeat(32), authToken: "x" });',
  "twilio 6.2.0": 'const { default: twilio } = await import("twilio"); twilio("AC" + "0".repeat(32), "x");',
};
log(`Bare \`node -e 0\`: ${bare.wallMs.toFixed(1)} ms, ${bare.rssMiB.toFixed(1)} MiB RSS.\n`);
log("| client | wall | over bare node | RSS | RSS over bare node |");
log("| --- | ---: | ---: | ---: | ---: |");
for (const [name, code] of Object.entries(coldCases)) {
  const r = coldRun(code);
  log(`| ${name} | ${r.wallMs.toFixed(1)} ms | +${(r.wallMs - bare.wallMs).toFixed(1)} ms | ${r.rssMiB.toFixed(1)} MiB | +${(r.rssMiB - bare.rssMiB).toFixed(1)} MiB |`);
}

// --- throughput against a local server in another process ---------------------------------------
const serverSource = `
const http = require("node:http");
const body = JSON.stringify({ sid: "SM" + "a".repeat(32), status: "queued", num_segments: "1", to: "+15558675310" });
http.createServer((req, res) => { req.resume(); req.on("end", () => { res.writeHead(201, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }); res.end(body); }); })
  .listen(0, "127.0.0.1", function () { console.log(this.address().port); });`;
const server = spawn(process.execPath, ["-e", serverSource], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise((resolve) => server.stdout.once("data", (d) => resolve(Number(String(d).trim()))));
const url = `http://127.0.0.1:${port}`;
log("\n## Client cost per `messages.create` against a local server (server in its own process)\n");
log("CPU is the client process's user+system time per request; 3,000 requests per cell after 500 warm-up.\n");
log("| client | c=1 req/s | c=1 CPU/req | c=32 req/s | c=32 CPU/req | CPU vs node:http (c=1) |");
log("| --- | ---: | ---: | ---: | ---: | ---: |");
let baseline;
for (const variant of ["node-http", "fetch", "twilio-kit", "twilio"]) {
  const cells = [];
  for (const concurrency of [1, 32]) {
    const out = execFileSync(process.execPath, ["core-client.mjs", variant, url, "3000", String(concurrency)], { cwd: here, encoding: "utf8" });
    const { wallMs, cpuUs } = JSON.parse(out);
    cells.push({ rps: 3000 / (wallMs / 1000), cpuUs: cpuUs / 3000 });
  }
  baseline ??= cells[0].cpuUs;
  const label = { "node-http": "bare `node:http` request", fetch: "bare global `fetch`", "twilio-kit": "twilio-kit", twilio: "twilio 6.2.0" }[variant];
  log(`| ${label} | ${cells[0].rps.toFixed(0)} | ${cells[0].cpuUs.toFixed(0)} µs | ${cells[1].rps.toFixed(0)} | ${cells[1].cpuUs.toFixed(0)} µs | ${(cells[0].cpuUs / baseline).toFixed(2)}× |`);
}
server.kill();

// --- installed size ---------------------------------------------------------------------------------
log("\n## Installed size (`npm install` of the package alone into an empty project)\n");
log("| package | size on disk | packages installed |");
log("| --- | ---: | ---: |");
function du(dir) {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    total += stat.isDirectory() ? du(path) : stat.size;
  }
  return total;
}
const pack = execFileSync("npm", ["pack", "--silent", "--pack-destination", work], { cwd: join(here, "../packages/core"), encoding: "utf8" }).trim().split("\n").pop();
for (const [name, spec] of [["@twilio-kit/core", join(work, pack)], ["twilio 6.2.0", "twilio@6.2.0"]]) {
  const project = join(work, name.replace(/\W/g, "_"));
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "package.json"), "{}");
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", spec], { cwd: project });
  const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8"));
  const count = Object.keys(lock.packages).filter((p) => p.startsWith("node_modules/")).length;
  log(`| ${name} | ${(du(join(project, "node_modules")) / 2 ** 20).toFixed(1)} MiB | ${count} (${count - 1} runtime dependencies) |`);
}
rmSync(work, { recursive: true, force: true });

mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(
  join(here, "results/core.md"),
  `# @twilio-kit/core vs twilio (official)\n\n${machineMarkdown()}Command: \`npm run bench -- core\` (bench/core.mjs)\n\n${lines.join("\n")}\n`,
);
console.log("\nwrote bench/results/core.md");
