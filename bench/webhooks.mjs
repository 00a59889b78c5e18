// Benchmark: @twilio-kit/webhooks vs twilio-node's validateRequest, side by side in one process,
// on an inbound-SMS-sized form (19 params). Build packages/webhooks first (`npx tsup`).
// Usage: node bench/webhooks.mjs   -> prints results and writes bench/results/webhooks.md
// Each measurement runs in a child process of its own (`--child CASE valid|invalid`), so no
// implementation inherits another's JIT state or garbage; rounds interleave the implementations.
import { execFileSync, execSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyTwilioSignature as verifyWeb, computeTwilioSignature } from "../packages/webhooks/dist/index.js";
import { verifyTwilioSignature as verifyNode, verifyTwilioSignatureSync } from "../packages/webhooks/dist/node.js";

const here = new URL(".", import.meta.url);
const requireFromWebhooks = createRequire(new URL("../packages/webhooks/package.json", import.meta.url));
const twilio = requireFromWebhooks("twilio");
const esbuild = createRequire(requireFromWebhooks.resolve("tsup"))("esbuild");

const authToken = "0123456789abcdef0123456789abcdef";
const url = "https://example.com/twilio/sms";
const params = {
  ToCountry: "US", ToState: "CA", SmsMessageSid: "SM0123456789abcdef0123456789abcdef", NumMedia: "0", ToCity: "SAN FRANCISCO",
  FromZip: "94105", SmsSid: "SM0123456789abcdef0123456789abcdef", FromState: "CA", SmsStatus: "received", FromCity: "SAN FRANCISCO",
  Body: "Hello from the benchmark, this is a typical SMS body of a reasonable length.", FromCountry: "US", To: "+15005550001",
  ToZip: "94105", NumSegments: "1", MessageSid: "SM0123456789abcdef0123456789abcdef", AccountSid: "AC0123456789abcdef0123456789abcdef",
  From: "+15005550006", ApiVersion: "2010-04-01",
};
if (Object.keys(params).length !== 19) throw new Error("expected 19 params");
const valid = await computeTwilioSignature(authToken, url, params);
const invalid = (valid[0] === "A" ? "B" : "A") + valid.slice(1);

// Bounded loops: run for ~durationMs, report checks per second.
async function round(name, fn, expected, durationMs = 1500) {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < durationMs) {
    for (let i = 0; i < 200; i++) {
      if ((await fn()) !== expected) throw new Error(`${name}: wrong verdict`);
    }
    n += 200;
  }
  return (n / (performance.now() - start)) * 1000;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

const cases = [
  ["twilio-node validateRequest", (sig) => () => twilio.validateRequest(authToken, sig, url, params)],
  ["@twilio-kit/webhooks (Web Crypto)", (sig) => async () => (await verifyWeb({ authToken, signature: sig, url, params })).ok],
  ["@twilio-kit/webhooks/node (node:crypto)", (sig) => async () => (await verifyNode({ authToken, signature: sig, url, params })).ok],
  // Called like twilio-node's validateRequest: a plain function returning the verdict.
  ["@twilio-kit/webhooks/node verifyTwilioSignatureSync", (sig) => () => verifyTwilioSignatureSync({ authToken, signature: sig, url, params }).ok],
];
const childAt = process.argv.indexOf("--child");
if (childAt !== -1) {
  const [index, kind] = process.argv.slice(childAt + 1);
  const [name, make] = cases[Number(index)];
  const fn = make(kind === "valid" ? valid : invalid);
  await round(name, fn, kind === "valid", 500); // warm-up
  console.log(await round(name, fn, kind === "valid"));
  process.exit(0);
}
const measure = (index, kind) => Number(execFileSync(process.execPath, [new URL(import.meta.url).pathname, "--child", String(index), kind], { encoding: "utf8" }).trim());
// The CPU is shared: implementations are interleaved within each round, so a load spike hits all of
// them, and each figure is the median of the rounds.
const rounds = 3;
const loadBefore = loadavg();
const samples = cases.map(() => ({ valid: [], invalid: [] }));
for (let r = 0; r < rounds; r++) {
  for (const i of cases.keys()) {
    samples[i].valid.push(measure(i, "valid"));
    samples[i].invalid.push(measure(i, "invalid"));
  }
}
const loadAfter = loadavg();
const rows = cases.map(([name], i) => ({ name, validPerSec: Math.round(median(samples[i].valid)), invalidPerSec: Math.round(median(samples[i].invalid)) }));
for (const r of rows) console.log(`${r.name}: valid ${r.validPerSec}/s, invalid ${r.invalidPerSec}/s`);
console.log(`load average (1/5/15 min): before ${loadBefore}, after ${loadAfter}`);

// Size of a script that only validates, esbuild-minified and bundled.
const dir = join(tmpdir(), `twk-bench-${process.pid}`);
mkdirSync(dir, { recursive: true });
const entries = {
  "@twilio-kit/webhooks": `import { verifyTwilioSignature } from ${JSON.stringify(new URL("../packages/webhooks/dist/index.js", import.meta.url).pathname)};\nverifyTwilioSignature({ authToken: "t", signature: "s", url: "https://e/", params: {} }).then(console.log);\n`,
  twilio: `const twilio = require(${JSON.stringify(requireFromWebhooks.resolve("twilio"))});\nconsole.log(twilio.validateRequest("t", "s", "https://e/", {}));\n`,
};
const sizes = {};
for (const [name, code] of Object.entries(entries)) {
  const file = join(dir, `${name.replace(/\W/g, "_")}.js`);
  writeFileSync(file, code);
  const result = await esbuild.build({ entryPoints: [file], bundle: true, minify: true, platform: "node", format: "esm", write: false, logLevel: "silent" });
  sizes[name] = result.outputFiles[0].contents.length;
  console.log(`minified size, ${name}: ${sizes[name]} bytes`);
}

const cpuModel = (readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/) ?? [])[1] ?? cpus()[0]?.model ?? "unknown";
const date = execSync("date -u").toString().trim();
const nproc = execSync("nproc").toString().trim();
const base = rows[0];
const fmt = (n) => n.toLocaleString("en-US");
const md = `# Webhook signature benchmark

- Date: ${date}
- Machine: ${nproc} CPU(s), ${cpuModel}, Node ${process.version}
- Workload: inbound-SMS form, 19 params, URL \`${url}\`, one token; median of ${rounds} interleaved rounds of ~1.5 s (after 0.5 s of warm-up), each in a fresh process, sequential awaits.\n- Load average (1/5/15 min, /proc/loadavg; other jobs share the CPU): before ${loadBefore}, after ${loadAfter}
- Command: \`node bench/webhooks.mjs\` (after \`cd packages/webhooks && npx tsup\`)

| implementation | valid checks/s | × twilio-node | invalid checks/s | × twilio-node |
|---|---:|---:|---:|---:|
${rows.map((r) => `| ${r.name} | ${fmt(r.validPerSec)} | ${(r.validPerSec / base.validPerSec).toFixed(2)} | ${fmt(r.invalidPerSec)} | ${(r.invalidPerSec / base.invalidPerSec).toFixed(2)} |`).join("\n")}

Minified (esbuild, bundled, platform node) size of a script that only validates:

| package | bytes |
|---|---:|
| @twilio-kit/webhooks | ${fmt(sizes["@twilio-kit/webhooks"])} |
| twilio | ${fmt(sizes.twilio)} |

Targets (issue 3): valid ≥ 1× twilio-node, invalid ≥ 4×, size ≤ 3 KB; measured on \`verifyTwilioSignature\` of
\`/node\` (third row), which returns a promise like the universal one; the sync variant is shown for reference.
Every call is awaited, twilio-node's boolean too, so each row pays at least one microtask per check.
The Web Crypto core pays an async hop per HMAC (crypto.subtle in Node runs off the main thread), which is why
the node:crypto fast path exists; on Workers/Deno/Bun only the Web Crypto core applies. The node:crypto path is
synchronous inside (one settled promise per check), reuses the sorted parameter names when a request has the same
names in the same order as the previous one (as Twilio sends them), and does not parse a URL that \`new URL()\`
would leave unchanged: there twilio-node's four later candidates repeat the two it already tried.
The bundle is of the universal entry (Web Crypto), the one a validate-only script on any runtime imports.
`;
writeFileSync(new URL("results/webhooks.md", here), md);
console.log(`\nwrote bench/results/webhooks.md`);
