#!/usr/bin/env node
// Emits declarations with tsc, then makes the CJS twins attw expects: every `.d.ts` gets a `.d.cts`
// whose relative imports point at `.cjs`, and every spec subpath gets a top-level declaration stub.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const dist = new URL("../dist/", import.meta.url).pathname;
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit", cwd: new URL("..", import.meta.url) });

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

for (const file of readdirSync(join(dist, "generated")).filter((f) => f.endsWith(".d.ts") && f !== "index.d.ts")) {
  const subpath = file.slice(0, -".d.ts".length);
  writeFileSync(join(dist, `${subpath}.d.ts`), `export * from "./generated/${subpath}.js";\n`);
}
for (const file of walk(dist).filter((f) => f.endsWith(".d.ts"))) {
  const source = readFileSync(file, "utf8").replace(/(from\s+["']\.{1,2}\/[^"']+)\.js(["'])/g, "$1.cjs$2");
  writeFileSync(file.replace(/\.d\.ts$/, ".d.cts"), source);
}
