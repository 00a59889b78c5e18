import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", "index-node": "src/index-node.ts", node: "src/node.ts", express: "src/express.ts", fastify: "src/fastify.ts" },
  format: ["esm", "cjs"],
  target: "es2022",
  platform: "neutral",
  dts: true,
  clean: true,
  treeshake: true,
  external: [/^node:/],
  // Keep `node:` specifiers: Deno and Bun resolve them, bare `crypto` is ambiguous.
  removeNodeProtocol: false,
});
