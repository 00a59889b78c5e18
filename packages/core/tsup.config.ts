import { existsSync, readdirSync, readFileSync } from "node:fs";
import { defineConfig, type Options } from "tsup";

type Plugin = NonNullable<Options["esbuildPlugins"]>[number];

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

// One entry per spec subpath (`@twilio-kit/core/api-v2010`), plus the batteries-included root.
const specEntries = Object.fromEntries(
  readdirSync(new URL("./src/generated/", import.meta.url))
    .filter((file) => file.endsWith(".ts") && file !== "index.ts")
    .map((file) => [file.slice(0, -3), `src/generated/${file}`]),
);

// Each spec's data (operation table, packed facade) as its own universal entry, `dist/data/<spec>.js`:
// the Node build imports it from there instead of carrying a second copy of every table.
const dataEntries = Object.fromEntries(
  Object.keys(specEntries)
    .filter((name) => existsSync(new URL(`./src/generated/data/${name}.ts`, import.meta.url)))
    .map((name) => [`data/${name}`, `src/generated/data/${name}.ts`]),
);
const sharedDataInNode: Plugin = {
  name: "shared-data-in-node",
  setup(build) {
    const extension = build.initialOptions.define?.TSUP_FORMAT === '"cjs"' ? ".cjs" : ".js";
    build.onResolve({ filter: /^\.\/data\/[a-z0-9-]+\.js$/ }, (args) =>
      args.importer.includes("/src/generated/")
        ? { path: `../${args.path.slice(2, -3)}${extension}`, external: true }
        : undefined,
    );
  },
};

// The root entry imports every spec but the 2010 API with `import()`. ESM output splits those into
// chunks; CJS output cannot split, so esbuild would inline all 61 specs into index.cjs. Instead the
// CJS root requires the sibling spec entry (`./verify-v2.cjs`) when a product is first used.
const lazySpecsInCjs: Plugin = {
  name: "lazy-specs-in-cjs",
  setup(build) {
    // tsup hands esbuild "esm" for every format when tree-shaking (rollup makes the CJS); its define says which
    if (build.initialOptions.define?.TSUP_FORMAT !== '"cjs"') return;
    build.onResolve({ filter: /^\.\/[a-z0-9-]+\.js$/ }, (args) =>
      args.kind === "dynamic-import" && args.importer.endsWith("/src/generated/index.ts")
        ? { path: args.path.replace(/\.js$/, ".cjs"), external: true }
        : undefined,
    );
  },
};

const shared: Options = {
  entry: { index: "src/index.ts", segments: "src/segments/index.ts", ...specEntries },
  format: ["esm", "cjs"],
  target: "es2022",
  // Declarations come from tsc (scripts/post-build.mjs): the generated types are too large for a bundler.
  dts: false,
  treeshake: true,
  // CJS too: without splitting every .cjs entry carried its own copy of the runtime (5 MB of 62 copies)
  splitting: true,
  // keep `node:` specifiers: Deno and Bun resolve them, bare "http" only in npm packages
  removeNodeProtocol: false,
  define: { __VERSION__: JSON.stringify(version) },
  esbuildPlugins: [lazySpecsInCjs],
};

export default defineConfig([
  // Universal build (Workers, Deno, Bun, browsers): fetch only, no Node built-ins.
  { ...shared, entry: { ...(shared.entry as Record<string, string>), ...dataEntries }, outDir: "dist", platform: "neutral", clean: true },
  // Node build, picked by the `node` export condition: the default transport is node:http.
  {
    ...shared,
    outDir: "dist/node",
    platform: "node",
    esbuildPlugins: [
      lazySpecsInCjs,
      sharedDataInNode,
      {
        name: "node-default-transport",
        setup(build) {
          build.onResolve({ filter: /\/default-transport\.js$/ }, (args) => ({
            path: new URL("./src/default-transport.node.ts", import.meta.url).pathname,
          }));
        },
      },
    ],
  },
]);
