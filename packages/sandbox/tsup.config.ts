import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    target: "node20",
    platform: "node",
    dts: true,
    // dist is emptied by the build script: two parallel configs must not clean each other's output
    clean: false,
    treeshake: true,
    // native addon and optional peer: resolved at run time, never bundled
    external: ["better-sqlite3", "@twilio-kit/core"],
  },
  {
    entry: { bin: "src/bin.ts" },
    format: ["esm"],
    target: "node20",
    platform: "node",
    dts: false,
    clean: false,
    external: ["better-sqlite3", "@twilio-kit/core"],
    // a small young generation keeps RSS low under sustained load at no measurable cost in speed
    banner: { js: "#!/usr/bin/env -S node --max-semi-space-size=2" },
  },
]);
