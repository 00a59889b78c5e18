import { cpSync, mkdirSync, readFileSync } from "node:fs";
import { defineConfig } from "tsup";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

// One ESM file for the bin (fast start: one module to load), with the workspace packages bundled in.
// The command table stays out of it, as JSON next to the bin, read only by the command that needs it.
export default defineConfig({
  entry: { twk: "src/twk.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: false,
  clean: true,
  splitting: false,
  treeshake: true,
  noExternal: [/^@twilio-kit\//],
  // The sandbox is optional at run time and heavy (SQLite): never bundled, imported only by `twk sandbox`.
  external: ["@twilio-kit/sandbox"],
  banner: { js: "#!/usr/bin/env node" },
  define: { __VERSION__: JSON.stringify(version) },
  onSuccess: async () => {
    mkdirSync("dist/commands", { recursive: true });
    cpSync("src/generated", "dist/commands", { recursive: true });
  },
});
