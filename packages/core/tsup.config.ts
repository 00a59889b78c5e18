import { readdirSync, readFileSync } from "node:fs";
import { defineConfig } from "tsup";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

// One entry per spec subpath (`@twilio-kit/core/api-v2010`), plus the batteries-included root.
const specEntries = Object.fromEntries(
  readdirSync(new URL("./src/generated/", import.meta.url))
    .filter((file) => file.endsWith(".ts") && file !== "index.ts")
    .map((file) => [file.slice(0, -3), `src/generated/${file}`]),
);

export default defineConfig({
  entry: { index: "src/index.ts", ...specEntries },
  format: ["esm", "cjs"],
  target: "es2022",
  platform: "neutral",
  // Declarations come from tsc (scripts/post-build.mjs): the generated types are too large for a bundler.
  dts: false,
  clean: true,
  treeshake: true,
  define: { __VERSION__: JSON.stringify(version) },
});
