#!/usr/bin/env node
// Benchmark: @twilio-kit/webhooks next to twilio-node's validateRequest, on workloads that do not
// flatter us: an inbound-SMS form (19 params) POSTed to a URL without and with a query string, a fresh
// params object per call (as a body parser gives one per request), 64 different requests in turn.
// Build packages/webhooks first (`npx tsup` in it). Usage: node bench/webhooks.mjs
// -> prints results and writes bench/results/webhooks.md (raw runs, date, machine, load).
// Each measurement runs in a child process of its own (`--child IMPL WORKLOAD valid|invalid`), so no
// implementation inherits another's JIT state or garbage; rounds interleave the implementations.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { machineMarkdown, median, rawRuns, trackLoad } from "./machine.mjs";

const webhooksDir = fileURLToPath(new URL("../packages/webhooks/", import.meta.url));
const requireFromWebhooks = createRequire(join(webhooksDir, "package.json"));

const workloads = {
  "no query": "https://example.com/twilio/sms",
  query: "https://example.com/twilio/sms?tenant=acme&flow=inbound",
  "encoded query": "https://example.com/twilio/sms?caller=Jos%C3%A9+Garc%C3%ADa&step=menu%2F2",
};
const poolSize = 64;
const runMs = 1000;
const warmupMs = 300;
const rounds = 7;

// The inbound-SMS form, varied per request so no implementation sees the same input twice in a row.
function request(i) {
  const sid = `SM${i.toString(16).padStart(32, "0")}`;
  return {
    ToCountry: "US", ToState: "CA", SmsMessageSid: sid, NumMedia: "0", ToCity: "SAN FRANCISCO",
    FromZip: "94105", SmsSid: sid, FromState: "CA", SmsStatus: "received", FromCity: "SAN FRANCISCO",
    Body: `Hello from the benchmark, message ${i}, a typical SMS body of a reasonable length.`, FromCountry: "US", To: "+15005550001",
    ToZip: "94105", NumSegments: "1", MessageSid: sid, AccountSid: "AC0123456789abcdef0123456789abcdef",
    From: "+15005550006", ApiVersion: "2010-04-01",
  };
}

const implementations = [
  { name: "twilio-node `validateRequest`", load: async () => {
    const twilio = requireFromWebhooks("twilio");
    return (token, signature, url, params) => twilio.validateRequest(token, signature, url, params);
  } },
  { name: "`@twilio-kit/webhooks` default entry on Node (node:crypto build)", load: async () => {
    // Node's own ESM resolver, from inside the package (a self-reference): the `node` condition decides.
    const entry = import.meta.resolve("@twilio-kit/webhooks", pathToFileURL(join(webhooksDir, "package.json")));
    if (!entry.endsWith("/dist/index-node.js")) throw new Error(`the node condition resolved to ${entry}`);
    const { verifyTwilioSignature } = await import(entry);
    return async (authToken, signature, url, params) => (await verifyTwilioSignature({ authToken, signature, url, params })).ok;
  } },
  { name: "`@twilio-kit/webhooks` Web Crypto build (what Workers/edge get), run on Node", load: async () => {
    const { verifyTwilioSignature } = await import(pathToFileURL(join(webhooksDir, "dist/index.js")).href);
    return async (authToken, signature, url, params) => (await verifyTwilioSignature({ authToken, signature, url, params })).ok;
  } },
  { name: "`@twilio-kit/webhooks/node` `verifyTwilioSignatureSync`", load: async () => {
    const { verifyTwilioSignatureSync } = await import(pathToFileURL(join(webhooksDir, "dist/node.js")).href);
    return (authToken, signature, url, params) => verifyTwilioSignatureSync({ authToken, signature, url, params }).ok;
  } },
];

const authToken = "0123456789abcdef0123456789abcdef";

// One measurement: checks per second over ~runMs after a warm-up, each call awaited (twilio-node's
// boolean too, so every row pays at least one microtask per check).
async function child(implIndex, workload, kind) {
  const verify = await implementations[implIndex].load();
  const { getExpectedTwilioSignature } = requireFromWebhooks("twilio/lib/webhooks/webhooks");
  const url = workloads[workload];
  const pool = Array.from({ length: poolSize }, (_, i) => {
    const params = request(i);
    const valid = getExpectedTwilioSignature(authToken, url, params);
    // Well-formed but wrong: the case an attacker (or a wrong public URL) produces.
    return { params, signature: kind === "valid" ? valid : (valid[0] === "A" ? "B" : "A") + valid.slice(1) };
  });
  const expected = kind === "valid";
  const run = async (durationMs) => {
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < durationMs) {
      for (let i = 0; i < 256; i++) {
        const { params, signature } = pool[i % poolSize];
        // A fresh object per call, as a body parser gives one per request.
        if ((await verify(authToken, signature, url, { ...params })) !== expected) throw new Error(`${implementations[implIndex].name}: wrong verdict`);
      }
      n += 256;
    }
    return (n / (performance.now() - start)) * 1000;
  };
  await run(warmupMs);
  return run(runMs);
}

const childAt = process.argv.indexOf("--child");
if (childAt !== -1) {
  const [impl, workload, kind] = process.argv.slice(childAt + 1);
  console.log(await child(Number(impl), workload, kind));
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const measure = (impl, workload, kind) =>
  Number(
    // import.meta.resolve with a parent URL is behind this flag on Node 20.
    execFileSync(process.execPath, ["--experimental-import-meta-resolve", "--no-warnings", self, "--child", String(impl), workload, kind], { encoding: "utf8" }).trim(),
  );

const endLoad = trackLoad();
const samples = {};
for (let r = 0; r < rounds; r++) {
  // Interleaved: a load spike during a round hits every implementation, not one.
  for (const workload of Object.keys(workloads)) {
    for (const kind of ["valid", "invalid"]) {
      for (const impl of implementations.keys()) {
        const value = measure(impl, workload, kind);
        (samples[`${impl}/${workload}/${kind}`] ??= []).push(value);
        process.stdout.write(`round ${r + 1}/${rounds} ${workload} ${kind} #${impl}: ${Math.round(value)}/s\n`);
      }
    }
  }
}
const loadLine = endLoad();

// Size of a script that only validates, bundled through the package's exports as a Worker build
// would (wrangler's conditions), esbuild-minified; and twilio's for comparison.
const esbuild = createRequire(requireFromWebhooks.resolve("tsup"))("esbuild");
const root = mkdtempSync(join(tmpdir(), "twk-bench-webhooks-"));
const sizes = {};
try {
  mkdirSync(join(root, "node_modules", "@twilio-kit"), { recursive: true });
  symlinkSync(webhooksDir, join(root, "node_modules", "@twilio-kit", "webhooks"), "dir");
  const ours = `import { verifyTwilioSignature } from "@twilio-kit/webhooks";\nverifyTwilioSignature({ authToken: "t", signature: "s", url: "https://e/", params: {} }).then(console.log);\n`;
  const twilioEntry = join(root, "twilio-entry.cjs");
  writeFileSync(twilioEntry, `const twilio = require(${JSON.stringify(requireFromWebhooks.resolve("twilio"))});\nconsole.log(twilio.validateRequest("t", "s", "https://e/", {}));\n`);
  const worker = await esbuild.build({ stdin: { contents: ours, resolveDir: root }, bundle: true, minify: true, platform: "neutral", conditions: ["workerd", "worker", "browser"], format: "esm", write: false, logLevel: "silent" });
  sizes.ours = worker.outputFiles[0].contents.length;
  const twilioBundle = await esbuild.build({ entryPoints: [twilioEntry], bundle: true, minify: true, platform: "node", format: "esm", write: false, logLevel: "silent" });
  sizes.twilio = twilioBundle.outputFiles[0].contents.length;
} finally {
  rmSync(root, { recursive: true, force: true });
}

const fmt = (n) => Math.round(n).toLocaleString("en-US");
const figure = (impl, workload, kind) => median(samples[`${impl}/${workload}/${kind}`]);
// The load moves a lot between rounds on a shared machine; within a round the implementations run back
// to back. So each ratio is taken within its round, and the table shows the median of those ratios.
const ratios = (impl, workload, kind) => samples[`${impl}/${workload}/${kind}`].map((value, r) => value / samples[`0/${workload}/${kind}`][r]);
const ratio = (impl, workload, kind) => median(ratios(impl, workload, kind));
const titles = {
  query: "URL with a plain query string",
  "no query": "URL without a query string",
  "encoded query": "URL with a percent-encoded query string (slower path: the URL is parsed and re-encoded on a wrong signature)",
};
const table = (workload) =>
  [
    `### ${titles[workload]}: \`${workloads[workload]}\``,
    "",
    "| implementation | valid checks/s (median) | × twilio-node (median of per-round ratios) | invalid checks/s (median) | × twilio-node (median of per-round ratios) |",
    "|---|---:|---:|---:|---:|",
    ...implementations.map(
      ({ name }, impl) =>
        `| ${name} | ${fmt(figure(impl, workload, "valid"))} | ${ratio(impl, workload, "valid").toFixed(2)} | ${fmt(figure(impl, workload, "invalid"))} | ${ratio(impl, workload, "invalid").toFixed(2)} |`,
    ),
    "",
    "Raw runs (checks/s, round by round):",
    "",
    ...implementations.flatMap(({ name }, impl) =>
      ["valid", "invalid"].map((kind) => `- ${name}, ${kind}: ${rawRuns(samples[`${impl}/${workload}/${kind}`], 0)} (ratios ${rawRuns(ratios(impl, workload, kind), 2)})`),
    ),
    "",
  ].join("\n");

const validOnQuery = ratio(1, "query", "valid");
const invalidOnQuery = ratio(1, "query", "invalid");
const met = (ok) => (ok ? "met" : "**not met**");
const md = `# Webhook signature benchmark

${machineMarkdown(() => loadLine)}Command: \`node bench/webhooks.mjs\` (after \`cd packages/webhooks && npx tsup\`)

The machine is shared (2 cores, other jobs building and testing at the same time): the load average
above says how busy it was. Compare rows of one run, not runs of different days.

Workload: an inbound-SMS form of 19 params, 64 different requests in turn, a fresh params object per
call (\`{ ...params }\`, as a body parser makes one per request), one auth token. Each figure is the
median of ${rounds} interleaved rounds of ~${runMs / 1000} s (after ${warmupMs} ms of warm-up), each
measurement in a fresh process; every call is awaited (twilio-node's boolean too). "Invalid" is a well-formed
signature with one character changed: the full check runs, every URL variant is tried.

${table("query")}
${table("no query")}
${table("encoded query")}
Targets (issue 11 §3), on the URL with a plain query string, for the default entry on Node (second row):
valid ≥ 1× twilio-node: ${met(validOnQuery >= 1)} (${validOnQuery.toFixed(2)}×); invalid ≥ 2.5×: ${met(invalidOnQuery >= 2.5)}
(${invalidOnQuery.toFixed(2)}×).

Minified (esbuild, bundled) size of a script that only validates:

| package | how it is bundled | bytes |
|---|---|---:|
| @twilio-kit/webhooks | by package name, \`platform: "neutral"\`, conditions \`workerd, worker, browser\` (a Worker) | ${fmt(sizes.ours)} |
| twilio | \`platform: "node"\` | ${fmt(sizes.twilio)} |

Worker bundle target ≤ 3 KB (3,072 bytes): ${met(sizes.ours <= 3072)}.

Why the rows differ: on Node the default entry resolves (export condition \`node\`) to a node:crypto build
that is synchronous inside (one settled promise per check); the Web Crypto build pays an async hop per
HMAC (crypto.subtle on Node runs off the main thread) and is what Workers, Deno Deploy and edge runtimes
get, where node:crypto is not the native primitive. On a wrong signature twilio-node tries every URL
variant with a fresh sort of the params each; ours serialises the params once per check and skips the
variants that equal ones already tried.
`;
writeFileSync(new URL("results/webhooks.md", import.meta.url), md);
console.log(md);
console.log("wrote bench/results/webhooks.md");
