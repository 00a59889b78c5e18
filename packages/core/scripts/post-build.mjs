#!/usr/bin/env node
// Emits declarations with tsc, then shapes them for the package:
// - every spec subpath gets a top-level declaration stub (`dist/verify-v2.d.ts`);
// - the generated declarations (`generated/**`: every spec's types, Routes and Facade, over 95 % of
//   the bytes) ship ONCE, shared by the ESM and the CJS declaration graphs, and compacted (tabs, one
//   copy of a repeated comment; see compact-declarations.mjs); every type stays as tsc wrote it;
// - every other `.d.ts` (the runtime's) gets a `.d.cts` twin whose relative imports point at `.cjs`.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { compactDeclarations } from "./compact-declarations.mjs";

const dist = new URL("../dist/", import.meta.url).pathname;
const typesDir = join(dist, "generated", "types");
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

// The generated declarations (every spec's types, Routes and Facade: nearly all the bytes) ship once.
// The nearest package.json decides a declaration file's module format for TypeScript, so this folder
// is CommonJS: both the ESM entry (`verify-v2.d.ts`) and the CJS entry (`verify-v2.d.cts`) may import
// CommonJS declarations, while CommonJS may not import ESM ones. Their own imports leaving the folder
// go to the `.d.cts` twins of the runtime declarations for the same reason.
const generatedDir = join(dist, "generated");
writeFileSync(join(generatedDir, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
for (const file of walk(generatedDir).filter((f) => f.endsWith(".d.ts"))) {
  const source = readFileSync(file, "utf8").replace(/((?:from\s+|import\()["']\.\.\/[^"']+)\.js(["'])/g, "$1.cjs$2");
  writeFileSync(file, compactDeclarations(source, { indent: !file.startsWith(typesDir) }));
}
// twins an earlier layout left in place (tsup cleans dist, a post-build run alone does not)
for (const file of walk(generatedDir).filter((f) => f.endsWith(".d.cts"))) rmSync(file);

// Every other declaration (the runtime's, a few KB) gets a `.d.cts` twin whose relative imports
// point at `.cjs` twins, except those into the shared generated folder.
for (const file of walk(dist).filter((f) => f.endsWith(".d.ts") && !f.startsWith(generatedDir))) {
  const source = readFileSync(file, "utf8").replace(/((?:from\s+|import\()["']\.{1,2}\/(?!generated\/)[^"']+)\.js(["'])/g, "$1.cjs$2");
  writeFileSync(file.replace(/\.d\.ts$/, ".d.cts"), source);
}
