// Benchmark: `twk` (packages/cli) side by side with the official twilio-cli from npm.
// twilio-cli is installed on demand into bench/.tmp/ (gitignored), never as a workspace dependency.
// Build first: cd packages/cli && pnpm build. Usage: node bench/cli.mjs [--runs 15]
// Writes bench/results/cli.md. Everything runs on 127.0.0.1; twilio-cli's update check is disabled.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { machineMarkdown, median, min, rawRuns, trackLoad } from "./machine.mjs";

const here = new URL(".", import.meta.url).pathname;
const root = join(here, "..");
const TWK = join(root, "packages/cli/dist/twk.cjs");
const TMP = join(here, ".tmp");
const TWILIO_CLI_VERSION = "6.2.4";
const TWILIO_BIN = join(TMP, "node_modules/twilio-cli/bin/run");
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;

if (!existsSync(TWK)) {
  console.error("bench/cli: build the CLI first (cd packages/cli && pnpm build)");
  process.exit(1);
}

// --- twilio-cli, installed on demand ---
let twilioCliNote = "";
if (!existsSync(TWILIO_BIN)) {
  mkdirSync(TMP, { recursive: true });
  console.log(`installing twilio-cli@${TWILIO_CLI_VERSION} into bench/.tmp (once)…`);
  const install = spawnSync("npm", ["i", "--prefix", TMP, `twilio-cli@${TWILIO_CLI_VERSION}`, "--no-audit", "--no-fund"], { stdio: "inherit", timeout: 600_000 });
  if (install.status !== 0 || !existsSync(TWILIO_BIN)) twilioCliNote = `twilio-cli@${TWILIO_CLI_VERSION} could not be installed (npm exit ${install.status}); its columns are empty.`;
}
const hasTwilioCli = existsSync(TWILIO_BIN);

const endLoad = trackLoad();
const home = mkdtempSync(join(tmpdir(), "twk-bench-"));
const baseEnv = {
  PATH: process.env.PATH,
  HOME: home,
  XDG_CONFIG_HOME: join(home, ".config"),
  NO_COLOR: "1",
  // oclif's update warning plugin: no network call from twilio-cli during the bench
  TWILIO_SKIP_NEW_VERSION_CHECK: "true",
  TWILIO_CLI_SKIP_NEW_VERSION_CHECK: "true",
};

function run(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ ms: performance.now() - started, code, stderr }));
  });
}

/** Peak RSS in MiB via GNU time (best of 3), or null without it. Async: the API server runs in this process. */
async function rssMiB(cmd, args, env) {
  if (!existsSync("/usr/bin/time")) return null;
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const { stderr } = await run("/usr/bin/time", ["-f", "%M", cmd, ...args], env);
    const kb = Number(stderr.trim().split("\n").at(-1));
    if (Number.isFinite(kb)) best = Math.min(best, kb);
  }
  return Number.isFinite(best) ? best / 1024 : null;
}


/** Runs every case RUNS times, interleaved round by round so load spikes hit all cases alike. */
async function measure(cases) {
  const times = new Map(cases.map((c) => [c.label, []]));
  for (let round = 0; round < RUNS; round++) {
    for (const c of cases) {
      const result = await run(c.cmd, c.args, c.env ?? baseEnv);
      if (result.code !== (c.expectCode ?? 0)) throw new Error(`${c.label}: exit ${result.code}\n${result.stderr.slice(0, 500)}`);
      times.get(c.label).push(result.ms);
    }
  }
  const results = [];
  for (const c of cases) {
    const rss = c.rss ? await rssMiB(c.cmd, c.args, c.env ?? baseEnv) : null;
    results.push({ ...c, runs: times.get(c.label), median: median(times.get(c.label)), min: min(times.get(c.label)), rss });
  }
  return results;
}

// --- startup and help ---
const node = process.execPath;
const startupCases = [
  { label: "node -e 0", cmd: node, args: ["-e", "0"], rss: true },
  { label: "twk --version", cmd: node, args: [TWK, "--version"], rss: true },
  { label: "twk --help", cmd: node, args: [TWK, "--help"], rss: true },
  { label: "twk api messages create --help", cmd: node, args: [TWK, "api", "messages", "create", "--help"], rss: true },
  { label: "twk api verify v2 services verifications create --help", cmd: node, args: [TWK, "api", "verify", "v2", "services", "verifications", "create", "--help"], rss: true },
];
if (hasTwilioCli) {
  startupCases.push(
    { label: "twilio --version", cmd: node, args: [TWILIO_BIN, "--version"], rss: true },
    { label: "twilio --help", cmd: node, args: [TWILIO_BIN, "--help"], rss: true },
    { label: "twilio api:core:messages:create --help", cmd: node, args: [TWILIO_BIN, "api:core:messages:create", "--help"], rss: true },
  );
}
console.log(`startup: ${startupCases.length} cases × ${RUNS} runs…`);
const startup = await measure(startupCases);

// --- one API call against a local server: overhead over curl ---
const ACCOUNT = `AC${"0".repeat(32)}`;
const TOKEN = "bench-token";
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(201, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ sid: `SM${"1".repeat(32)}`, account_sid: ACCOUNT, to: "+15558675310", from: "+15017122661", body: "hi", status: "queued" }));
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const apiEnv = { ...baseEnv, TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_BASE_URL: base };
const apiCases = [
  { label: "curl (POST Messages.json)", cmd: "curl", args: ["-sS", "-o", "/dev/null", "-u", `${ACCOUNT}:${TOKEN}`, "-d", "To=+15558675310", "-d", "From=+15017122661", "-d", "Body=hi", `${base}/api/2010-04-01/Accounts/${ACCOUNT}/Messages.json`] },
  { label: "twk send sms", cmd: node, args: [TWK, "send", "sms", "--to", "+15558675310", "--from", "+15017122661", "--body", "hi", "-o", "json"], env: apiEnv, rss: true },
  { label: "twk api messages create", cmd: node, args: [TWK, "api", "messages", "create", "--to", "+15558675310", "--from", "+15017122661", "--body", "hi", "-o", "json"], env: apiEnv, rss: true },
];
console.log(`api call: ${apiCases.length} cases × ${RUNS} runs…`);
const api = await measure(apiCases);
server.close();

// --- installed size ---
function duBytes(path) {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isSymbolicLink()) continue;
    total += entry.isDirectory() ? duBytes(full) : statSync(full).size;
  }
  return total;
}
function packedSize(dir) {
  const [info] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  return { unpacked: info.unpackedSize, files: info.entryCount };
}
const twkPack = packedSize(join(root, "packages/cli"));
let twilioCliSize = null;
let twilioCliPackages = null;
if (hasTwilioCli) {
  twilioCliSize = duBytes(join(TMP, "node_modules"));
  twilioCliPackages = 0;
  const count = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === ".bin" || entry.name === ".cache") continue;
      const full = join(dir, entry.name);
      if (entry.name.startsWith("@")) count(full);
      else if (existsSync(join(full, "package.json"))) {
        twilioCliPackages++;
        if (existsSync(join(full, "node_modules"))) count(join(full, "node_modules"));
      }
    }
  };
  count(join(TMP, "node_modules"));
}
rmSync(home, { recursive: true, force: true });

// --- report ---
const baseline = startup.find((r) => r.label === "node -e 0").median;
const curl = api.find((r) => r.label.startsWith("curl")).median;
const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`;
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const lines = [
  "# twk vs twilio-cli",
  "",
  machineMarkdown(endLoad),
  "",
  `Runs: ${RUNS} per case, interleaved; wall time of the whole process (spawn to exit); peak RSS via GNU time (best of 3).`,
  "The machine is shared: compare rows of one run (the raw runs show the spread), and mins.",
  twilioCliNote ? `\n${twilioCliNote}\n` : `twilio-cli ${TWILIO_CLI_VERSION} from npm (bench/.tmp), update check disabled.`,
  "",
  "## Startup and help",
  "",
  "| command | median | min | × node -e 0 (median) | peak RSS | raw runs (ms) |",
  "|---|---|---|---|---|---|",
  ...startup.map((r) => `| \`${r.label}\` | ${fmt(r.median)} | ${fmt(r.min)} | ${(r.median / baseline).toFixed(2)} | ${r.rss === null ? "n/a" : `${r.rss.toFixed(1)} MiB`} | ${rawRuns(r.runs, 0)} |`),
  "",
  "Targets: `twk --version` and `twk --help` ≤ 1.5× `node -e 0` and ≤ 60 MiB; a command's `--help` ≤ 0.15 s.",
  "",
  "## One API call (local server on 127.0.0.1)",
  "",
  "| command | median | min | overhead over curl (median) | peak RSS | raw runs (ms) |",
  "|---|---|---|---|---|---|",
  ...api.map((r) => `| \`${r.label}\` | ${fmt(r.median)} | ${fmt(r.min)} | ${r.label.startsWith("curl") ? "—" : fmt(r.median - curl)} | ${r.rss === null ? "n/a" : `${r.rss.toFixed(1)} MiB`} | ${rawRuns(r.runs, 0)} |`),
  "",
  "twilio-cli cannot be pointed at a local server (it has no base-URL setting), so it is not in this table;",
  "the issue measured 0.9 s of overhead for it. Target for twk: ≤ 0.15 s over curl.",
  "",
  "## Installed size",
  "",
  "| package | size | packages |",
  "|---|---|---|",
  `| @twilio-kit/cli (npm pack, unpacked) | ${mib(twkPack.unpacked)} (${twkPack.files} files) | 1 |`,
  "| (@twilio-kit/core and @twilio-kit/webhooks are bundled into twk: no runtime dependencies) | | |",
  hasTwilioCli ? `| twilio-cli ${TWILIO_CLI_VERSION} (node_modules on disk) | ${mib(twilioCliSize)} | ${twilioCliPackages} |` : "| twilio-cli | n/a | n/a |",
  "",
  "Target: < 20 MB. `@twilio-kit/sandbox` is an optional peer (only `twk sandbox start` needs it) and is not counted.",
  "",
];
mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(join(here, "results/cli.md"), lines.join("\n"));
console.log(lines.join("\n"));
