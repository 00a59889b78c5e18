import { cpSync, mkdirSync, readFileSync } from "node:fs";
import { defineConfig } from "tsup";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

// An ESM bin with a tiny entry: main and each command are chunks loaded on first use (splitting),
// workspace packages bundled in. The command table is JSON next to the bin, read only when needed.
export default defineConfig({
  entry: { twk: "src/twk.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: false,
  clean: true,
  splitting: true,
  treeshake: true,
  noExternal: [/^@twilio-kit\/(core|webhooks)$/],
  // The sandbox is optional at run time and heavy (SQLite): never bundled, imported only by `twk sandbox`.
  external: ["@twilio-kit/sandbox"],
  banner: { js: "#!/usr/bin/env node" },
  define: { __VERSION__: JSON.stringify(version) },
  onSuccess: async () => {
    mkdirSync("dist/commands", { recursive: true });
    cpSync("src/generated", "dist/commands", { recursive: true });
  },
});
