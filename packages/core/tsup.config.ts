import { readdirSync, readFileSync } from "node:fs";
import { defineConfig, type Options } from "tsup";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

// One entry per spec subpath (`@twilio-kit/core/api-v2010`), plus the batteries-included root.
const specEntries = Object.fromEntries(
  readdirSync(new URL("./src/generated/", import.meta.url))
    .filter((file) => file.endsWith(".ts") && file !== "index.ts")
    .map((file) => [file.slice(0, -3), `src/generated/${file}`]),
);

const shared: Options = {
  entry: { index: "src/index.ts", segments: "src/segments/index.ts", ...specEntries },
  format: ["esm", "cjs"],
  target: "es2022",
  // Declarations come from tsc (scripts/post-build.mjs): the generated types are too large for a bundler.
  dts: false,
  treeshake: true,
  // keep `node:` specifiers: Deno and Bun resolve them, bare "http" only in npm packages
  removeNodeProtocol: false,
  define: { __VERSION__: JSON.stringify(version) },
};

export default defineConfig([
  // Universal build (Workers, Deno, Bun, browsers): fetch only, no Node built-ins.
  { ...shared, outDir: "dist", platform: "neutral", clean: true },
  // Node build, picked by the `node` export condition: the default transport is node:http.
  {
    ...shared,
    outDir: "dist/node",
    platform: "node",
    esbuildPlugins: [
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
