// Builds the browser console into dist/console: one ES module bundle (Preact included), the page,
// the stylesheet and the icon. Fails when the whole console grows past 100 KB gzipped.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "../dist/console");
const BUDGET_BYTES = 100 * 1024;

mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, "src/main.tsx")],
  outfile: join(out, "app.js"),
  bundle: true,
  format: "esm",
  target: ["chrome111", "firefox111", "safari16.4"],
  minify: true,
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  logLevel: "warning",
});
for (const file of ["index.html", "app.css", "favicon.svg"]) copyFileSync(join(here, file), join(out, file));

let total = 0;
for (const file of ["index.html", "app.js", "app.css", "favicon.svg"]) total += gzipSync(readFileSync(join(out, file)), { level: 9 }).length;
if (total > BUDGET_BYTES) {
  console.error(`[@twilio-kit/sandbox] the console is ${total} bytes gzipped, over its ${BUDGET_BYTES}-byte budget`);
  process.exit(1);
}
console.log(`console: ${(total / 1024).toFixed(1)} KB gzipped -> dist/console`);
