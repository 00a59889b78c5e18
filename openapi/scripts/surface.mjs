#!/usr/bin/env node
// Writes or checks openapi/surface.txt: one sorted line per operation with only facts
// (domain, spec, method, path, operationId, required params). A spec bump shows up as a readable diff.
import { readFileSync, writeFileSync } from "node:fs";
import { loadOperations } from "./load.mjs";
import { sync } from "./sync.mjs";

const surfaceFile = new URL("../surface.txt", import.meta.url);

export function renderSurface(operations) {
  const lines = operations.map((op) => {
    const required = op.params.filter((p) => p.required).map((p) => p.name);
    return [op.domain, op.spec, op.method, op.path, op.operationId, required.length ? required.join(",") : "-"].join("\t");
  });
  return `# domain\tspec\tmethod\tpath\toperationId\trequired params\n${lines.join("\n")}\n`;
}

const mode = process.argv[2];
await sync({ quiet: true });
const rendered = renderSurface(loadOperations());
if (mode === "--write") {
  writeFileSync(surfaceFile, rendered);
  console.log(`openapi: wrote surface.txt (${rendered.split("\n").length - 2} operations)`);
} else {
  const committed = readFileSync(surfaceFile, "utf8");
  if (committed !== rendered) {
    const [a, b] = [new Set(committed.split("\n")), new Set(rendered.split("\n"))];
    for (const line of a) if (!b.has(line)) console.error(`- ${line}`);
    for (const line of b) if (!a.has(line)) console.error(`+ ${line}`);
    console.error("openapi: surface.txt is out of date with the pinned specs; run `pnpm --filter @twilio-kit/openapi surface`");
    process.exit(1);
  }
  console.log(`openapi: surface.txt matches the pinned specs (${rendered.split("\n").length - 2} operations)`);
}
