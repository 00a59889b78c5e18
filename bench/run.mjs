#!/usr/bin/env node
// Runs every benchmark in this folder, one after the other (they share 2 cores: never in parallel).
// Each writes its own results/<name>.md with the date and the machine.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";

const only = process.argv.slice(2);
const here = new URL(".", import.meta.url).pathname;
const benches = readdirSync(here)
  .filter((f) => f.endsWith(".mjs") && !["run.mjs", "machine.mjs"].includes(f) && !f.includes("-"))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.mjs$/, "")));
let failed = 0;
for (const file of benches) {
  console.log(`\n== bench/${file}`);
  const { status } = spawnSync(process.execPath, [file], { cwd: here, stdio: "inherit" });
  if (status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
