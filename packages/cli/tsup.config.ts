import { cpSync, mkdirSync, readFileSync } from "node:fs";
import { defineConfig } from "tsup";
import { topHelp } from "./src/help.js";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

// Two outputs. The bin, dist/twk.cjs: tiny CommonJS with the version and the top-level help inlined,
// so `twk --version`/`--help` load nothing else. The rest, ESM with splitting: main and each command
// are chunks loaded on first use, workspace packages bundled in. The command table is JSON next to
// them, read only when needed.
export default defineConfig([
  {
    entry: { main: "src/main.ts" },
    format: ["esm"],
    target: "node20",
    platform: "node",
    dts: false,
    // Everything but the bin, which the other build writes at the same time.
    clean: ["!twk.cjs"],
    splitting: true,
    treeshake: true,
    noExternal: [/^@twilio-kit\/(core|webhooks|tokens)(\/[a-z0-9-]+)?$/],
    // The sandbox is optional at run time and heavy (SQLite): never bundled, imported only by `twk sandbox`.
    external: ["@twilio-kit/sandbox"],
    define: { __VERSION__: JSON.stringify(version) },
    onSuccess: async () => {
      mkdirSync("dist/commands", { recursive: true });
      cpSync("src/generated", "dist/commands", { recursive: true });
    },
  },
  {
    entry: { twk: "src/twk.cts" },
    format: ["cjs"],
    target: "node20",
    platform: "node",
    dts: false,
    clean: false,
    splitting: false,
    external: ["./main.js"],
    banner: { js: "#!/usr/bin/env node" },
    define: { __VERSION__: JSON.stringify(version), __TOP_HELP__: JSON.stringify(topHelp(version)) },
    outExtension: () => ({ js: ".cjs" }),
  },
]);
