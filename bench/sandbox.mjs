#!/usr/bin/env node
// Message creates/s at 10 connections against @twilio-kit/sandbox, with start time and RSS after
// 100k messages, side by side in one run with Prism mocking the same spec. 127.0.0.1 only, bounded
// request counts. Prism is installed on demand into bench/.tmp (gitignored), never as a dependency.
// Usage: node bench/sandbox.mjs [--messages 100000] [--repeat 3] [--prism-requests 5000] [--no-prism]
// Needs `pnpm --filter @twilio-kit/sandbox build` first. Writes bench/results/sandbox.md.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { machineMarkdown, median, percentile, trackLoad } from "./machine.mjs";

const root = new URL("..", import.meta.url);
const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "100000" },
    repeat: { type: "string", default: "3" },
    "prism-requests": { type: "string", default: "5000" },
    connections: { type: "string", default: "10" },
    "no-prism": { type: "boolean", default: false },
  },
});
const MESSAGES = Number(values.messages);
const REPEAT = Math.max(1, Number(values.repeat));
const PRISM_REQUESTS = Number(values["prism-requests"]);
const CONNECTIONS = Number(values.connections);
const TIME_LIMIT_MS = 300_000; // every load phase stops after 5 minutes whatever the count

const bin = new URL("packages/sandbox/dist/bin.js", root);
const spec = new URL("openapi/specs/twilio_api_v2010.json", root);
const prismDir = new URL("bench/.tmp/", root);
const prismBin = new URL("bench/.tmp/node_modules/.bin/prism", root);
const ACCOUNT = "AC5a4db0c05a4db0c05a4db0c05a4db0c0";
const TOKEN = "c0ffee00c0ffee00c0ffee00c0ffee00";

function rssMiB(pid) {
  // the whole process tree: Prism forks workers
  let total = 0;
  const pids = [pid];
  try {
    const children = execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
    pids.push(...children);
  } catch {
    // no children
  }
  for (const p of pids) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (match) total += Number(match[1]);
    } catch {
      // exited
    }
  }
  return Math.round((total / 1024) * 10) / 10;
}

function freePort() {
  return new Promise((resolve) => {
    import("node:net").then(({ createServer }) => {
      const server = createServer();
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    });
  });
}

function waitForPort(port, timeoutMs) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const req = request({ host: "127.0.0.1", port, path: "/", method: "GET" }, (res) => {
        res.resume();
        resolve(performance.now() - started);
      });
      req.on("error", () => {
        if (performance.now() - started > timeoutMs) reject(new Error(`port ${port} not up after ${timeoutMs} ms`));
        else setTimeout(attempt, 5);
      });
      req.end();
    };
    attempt();
  });
}

/** Runs `total` POSTs over `connections` keep-alive connections; returns req/s and status counts. */
async function load(port, path, body, total, connections) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const auth = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString("base64")}`;
  const headers = { Authorization: auth, "Content-Type": "application/x-www-form-urlencoded", "Content-Length": Buffer.byteLength(body) };
  const statuses = {};
  const latencies = [];
  let sent = 0;
  const started = performance.now();
  const one = () =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const req = request({ host: "127.0.0.1", port, path, method: "POST", headers, agent }, (res) => {
        res.resume();
        res.on("end", () => {
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          latencies.push(performance.now() - t0);
          resolve();
        });
      });
      req.on("error", () => {
        statuses.error = (statuses.error ?? 0) + 1;
        resolve();
      });
      req.end(body);
    });
  async function worker() {
    while (sent < total && performance.now() - started < TIME_LIMIT_MS) {
      sent++;
      await one();
    }
  }
  await Promise.all(Array.from({ length: connections }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const pct = (p) => Math.round(percentile(latencies, p) * 10) / 10;
  return { requests: sent, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(sent / seconds), statuses, p50: pct(50), p99: pct(99) };
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
  });
}

async function benchSandbox() {
  if (!existsSync(bin)) throw new Error("packages/sandbox/dist/bin.js is missing: build the sandbox first");
  const dir = mkdtempSync(join(tmpdir(), "twk-bench-"));
  const port = await freePort();
  const t0 = performance.now();
  // run it as its shebang does (`#!/usr/bin/env -S node <flags>`), whatever the file mode
  const shebangFlags = readFileSync(bin, "utf8").split("\n", 1)[0].replace(/^#!.*?\bnode\b/, "").trim().split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...shebangFlags, bin.pathname, "--port", String(port), "--db", join(dir, "bench.db"), "--json"], { stdio: ["ignore", "pipe", "inherit"] });
  const info = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0]));
    });
    child.on("exit", (code) => reject(new Error(`sandbox exited ${code}`)));
  });
  const startMs = Math.round(performance.now() - t0);
  const idleRss = rssMiB(child.pid);
  // warm-up, not counted
  const path = `/api/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;
  const body = "To=%2B15558675310&From=%2B15555550100&Body=Hello%20from%20the%20benchmark";
  await load(port, path, body, 1_000, CONNECTIONS);
  const result = await load(port, path, body, MESSAGES, CONNECTIONS);
  const rss = rssMiB(child.pid);
  await stop(child);
  rmSync(dir, { recursive: true, force: true });
  return { ...result, startMs, startInProcessMs: info.startMs, idleRss, rss };
}

// The ceiling of this machine and client: a bare node:http server answering every POST with a fixed 201 JSON.
async function benchBaseline() {
  const port = await freePort();
  const code = `require("node:http").createServer((q, s) => { q.resume(); q.on("end", () => { const b = JSON.stringify({ sid: "SM" + "0".repeat(32), status: "queued", pad: "x".repeat(900) }); s.writeHead(201, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(b) }); s.end(b); }); }).listen(${port}, "127.0.0.1", () => console.log("up"));`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve) => child.stdout.once("data", resolve));
  const body = "To=%2B15558675310&From=%2B15555550100&Body=Hello%20from%20the%20benchmark";
  await load(port, "/", body, 1_000, CONNECTIONS);
  const result = await load(port, "/", body, Math.min(MESSAGES, 20_000), CONNECTIONS);
  const rss = rssMiB(child.pid);
  await stop(child);
  return { ...result, startMs: "—", idleRss: "—", rss };
}

function ensurePrism() {
  if (existsSync(prismBin)) return true;
  try {
    execFileSync("npm", ["i", "--prefix", prismDir.pathname, "@stoplight/prism-cli@5", "--no-audit", "--no-fund"], { stdio: "inherit", timeout: 600_000 });
    return existsSync(prismBin);
  } catch {
    return false;
  }
}

async function benchPrism() {
  if (!existsSync(spec)) return { skipped: "openapi/specs/twilio_api_v2010.json is missing (run the openapi sync)" };
  if (!ensurePrism()) return { skipped: "@stoplight/prism-cli could not be installed into bench/.tmp" };
  const version = JSON.parse(readFileSync(new URL("node_modules/@stoplight/prism-cli/package.json", prismDir), "utf8")).version;
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(prismBin.pathname, ["mock", "-h", "127.0.0.1", "-p", String(port), spec.pathname], { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise((resolve, reject) => {
    let out = "";
    const onData = (chunk) => {
      out += chunk;
      if (/listening/i.test(out)) resolve();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`prism exited ${code}: ${out.slice(-500)}`)));
    setTimeout(() => reject(new Error("prism did not start in 60 s")), 60_000).unref();
  });
  const startMs = Math.round(performance.now() - t0);
  const idleRss = rssMiB(child.pid);
  const path = `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;
  const body = "To=%2B15558675310&From=%2B15555550100&Body=Hello%20from%20the%20benchmark";
  await load(port, path, body, 200, CONNECTIONS);
  const result = await load(port, path, body, PRISM_REQUESTS, CONNECTIONS);
  const rss = rssMiB(child.pid);
  await stop(child);
  return { ...result, startMs, idleRss, rss, version };
}

const endLoad = trackLoad();
// each run starts a fresh sandbox on a new database; the table shows the median run by creates/s
const runs = [];
for (let i = 1; i <= REPEAT; i++) {
  console.log(`sandbox run ${i}/${REPEAT}: ${MESSAGES} message creates at ${CONNECTIONS} connections…`);
  runs.push(await benchSandbox());
  console.log(runs.at(-1));
}
// the median run by creates/s (its latencies and RSS come with it)
const medianRate = median(runs.map((r) => r.perSecond));
const sandbox = runs.find((r) => r.perSecond === medianRate);
console.log("baseline: bare node:http server…");
const baseline = await benchBaseline();
console.log(baseline);
let prism = { skipped: "--no-prism" };
if (!values["no-prism"]) {
  console.log(`prism: ${PRISM_REQUESTS} message creates at ${CONNECTIONS} connections…`);
  prism = await benchPrism().catch((error) => ({ skipped: error.message }));
  console.log(prism);
}

const row = (name, r, note) =>
  r.skipped
    ? `| ${name} | — | — | — | — | — | ${r.skipped} |`
    : `| ${name} | ${r.perSecond.toLocaleString("en-US")} | ${r.p50} / ${r.p99} | ${r.startMs}${r.startInProcessMs !== undefined ? ` (${r.startInProcessMs} in-process)` : ""} | ${r.idleRss} | ${r.rss} | ${note} ${JSON.stringify(r.statuses)} |`;
const markdown = `# Sandbox benchmark

\`node bench/sandbox.mjs\` — message creates (\`POST /2010-04-01/Accounts/{AccountSid}/Messages.json\`,
form-encoded, Basic auth) over ${CONNECTIONS} keep-alive connections from one Node client process, server in
another process, both on this machine, 127.0.0.1 only.

${machineMarkdown(endLoad)}
| server | creates/s | p50 / p99 ms | start ms | idle RSS MiB | RSS after MiB | notes |
| --- | ---: | ---: | ---: | ---: | ---: | --- |
${row("@twilio-kit/sandbox (SQLite file, WAL, real clock)", sandbox, `${sandbox.requests.toLocaleString("en-US")} messages in ${sandbox.seconds} s; statuses:`)}
${row("baseline: bare `node:http` server, fixed 201 body", baseline, `${baseline.requests.toLocaleString("en-US")} requests; the machine's ceiling for this client; statuses:`)}
${row(`Prism ${prism.version ?? ""} (\`prism mock\` of twilio_api_v2010.json)`, prism, prism.skipped ? "" : `${prism.requests?.toLocaleString("en-US")} requests in ${prism.seconds} s; statuses:`)}

The sandbox row is the median of ${runs.length} runs (fresh sandbox and database each); all runs, creates/s
(start ms, RSS after MiB): ${runs.map((r) => `${r.perSecond.toLocaleString("en-US")} (${r.startMs}, ${r.rss})`).join("; ")}.

Targets (issue 4): ≥ 5,000 creates/s, start < 300 ms, RSS < 100 MiB after 100k messages.
Sandbox start is measured from \`spawn\` to the printed JSON line (Node boot included); the figure in
parentheses is the sandbox's own time from module load to listening. The sandbox validates each
request, stores every message with its planned lifecycle (queued → sending → sent → delivered: the
status is computed from the stored plan on read, and \`message.status\` events fire from in-memory
notices during the run) and answers only after the SQLite commit (WAL, \`synchronous=OFF\`: the write
survives a \`kill -9\`, not a power loss). Prism is stateless and answers every create with the spec's
example. Prism's request count is smaller (${PRISM_REQUESTS.toLocaleString("en-US")}) to bound the run
time; its rate is steady after warm-up.
`;
writeFileSync(new URL("bench/results/sandbox.md", root), markdown);
console.log(markdown);
