#!/usr/bin/env node
// @twilio-kit/tokens next to twilio-node's AccessToken: the esbuild-minified bundle of a script that
// mints one Video token (issue 12 target: <= 3 KB), and tokens minted per second (interleaved rounds,
// bounded in time). Build packages/tokens first (`npx tsup` in it). Writes results/tokens.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { createAccessToken } from "../packages/tokens/dist/index.js";
import { machineMarkdown, median, rawRuns, trackLoad } from "./machine.mjs";

const here = new URL(".", import.meta.url).pathname;
const require = createRequire(import.meta.url);
const esbuild = require("esbuild");
const twilio = require("twilio");
const endLoad = trackLoad();
const lines = [];
const log = (line = "") => {
  console.log(line);
  lines.push(line);
};

const inputs = { accountSid: `AC${"0".repeat(32)}`, apiKey: `SK${"1".repeat(32)}`, apiSecret: "bench-secret-0123456789abcdef", identity: "alice" };
const tokensDist = join(here, "../packages/tokens/dist/index.js");

// --- bundle size ---------------------------------------------------------------------------------
const scripts = {
  "@twilio-kit/tokens": `import { createAccessToken } from ${JSON.stringify(tokensDist)};
createAccessToken({ accountSid: "AC", apiKey: "SK", apiSecret: "s", identity: "alice", grants: { video: { room: "daily" } } }).then(console.log);`,
  "twilio 6.2.0 (`import twilio from \"twilio\"`)": `import twilio from "twilio";
const token = new twilio.jwt.AccessToken("AC", "SK", "s", { identity: "alice" });
token.addGrant(new twilio.jwt.AccessToken.VideoGrant({ room: "daily" }));
console.log(token.toJwt());`,
  "twilio 6.2.0 (deep import `twilio/lib/jwt/AccessToken`)": `import AccessToken from "twilio/lib/jwt/AccessToken.js";
const token = new AccessToken("AC", "SK", "s", { identity: "alice" });
token.addGrant(new AccessToken.VideoGrant({ room: "daily" }));
console.log(token.toJwt());`,
};
const work = mkdtempSync(join(tmpdir(), "bench-tokens-"));
log("## Bundle: a script that mints one Video token (esbuild --bundle --minify, ESM)\n");
log("| package | platform | minified | gzip |");
log("| --- | --- | ---: | ---: |");
const sizes = {};
try {
  for (const [index, [name, source]] of Object.entries(scripts).entries()) {
    const entry = join(here, `.entry-tokens-${index}.mjs`);
    writeFileSync(entry, source);
    try {
      // Ours is universal (neutral, as for a Worker); twilio-node needs node built-ins.
      for (const platform of index === 0 ? ["neutral", "node"] : ["node"]) {
        const result = await esbuild.build({ entryPoints: [entry], bundle: true, minify: true, platform, format: "esm", write: false, logLevel: "silent", outdir: work });
        const bytes = result.outputFiles[0].contents;
        sizes[`${index}-${platform}`] = bytes.length;
        log(`| ${name} | ${platform} | ${bytes.length.toLocaleString("en-US")} B | ${gzipSync(bytes).length.toLocaleString("en-US")} B |`);
      }
    } finally {
      rmSync(entry, { force: true });
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const ours = sizes["0-neutral"];
log(`\nTarget ≤ 3,072 B: ${ours <= 3072 ? "met" : "missed"} (${ours.toLocaleString("en-US")} B; ${(sizes["1-node"] / ours).toFixed(0)}× smaller than \`twilio\`).`);

// --- minting throughput --------------------------------------------------------------------------
function mintOfficial() {
  const token = new twilio.jwt.AccessToken(inputs.accountSid, inputs.apiKey, inputs.apiSecret, { identity: inputs.identity });
  token.addGrant(new twilio.jwt.AccessToken.VideoGrant({ room: "daily" }));
  return token.toJwt();
}
const mintOurs = () => createAccessToken({ ...inputs, grants: { video: { room: "daily" } } });

// Same output first: the comparison is only fair if both do the same work (a second boundary may
// fall between the two calls, hence a second try).
let same = false;
for (let attempt = 0; attempt < 2 && !same; attempt++) same = (await mintOurs()) === mintOfficial();
if (!same) throw new Error("tokens differ from twilio-node's");

async function round(fn, durationMs = 1000) {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < durationMs) {
    for (let i = 0; i < 100; i++) await fn();
    n += 100;
  }
  return (n / (performance.now() - start)) * 1000;
}
const cases = [
  ["twilio-node `AccessToken#toJwt()`", mintOfficial],
  ["@twilio-kit/tokens `createAccessToken` (Web Crypto)", mintOurs],
];
for (const [, fn] of cases) await round(fn, 300); // warm-up
const runs = cases.map(() => []);
for (let r = 0; r < 5; r++) for (const [i, [, fn]] of cases.entries()) runs[i].push(await round(fn));
log("\n## Minting a Video token, tokens/s (5 interleaved rounds of ~1 s after warm-up, each call awaited)\n");
log("| implementation | median | × twilio-node | raw runs |");
log("| --- | ---: | ---: | --- |");
const base = median(runs[0]);
for (const [i, [name]] of cases.entries()) {
  log(`| ${name} | ${Math.round(median(runs[i])).toLocaleString("en-US")} | ${(median(runs[i]) / base).toFixed(2)} | ${rawRuns(runs[i], 0)} |`);
}

mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(
  join(here, "results/tokens.md"),
  `# @twilio-kit/tokens vs twilio-node

${machineMarkdown(endLoad)}Command: \`node bench/tokens.mjs\` (after \`cd packages/tokens && npx tsup\`)

${lines.join("\n")}

Both produce the same token (checked before timing). jsonwebtoken, under twilio-node, first tries to
parse the secret as a PEM private key on every call (a thrown and caught exception) and validates its
options through lodash; createAccessToken checks its options by hand and signs with one Web Crypto HMAC (an async
hop per token). A server mints one token per client session, far below either rate: the bundle size is
what matters for edge runtimes, where \`twilio\` brings jsonwebtoken, axios and every API.
`,
);
