// Checks on the built package (run `tsup` first): no Node built-ins anywhere, and the size
// target for a script that mints one Video token.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const dist = new URL("../dist/", import.meta.url);

describe.skipIf(!readdirSync(new URL("..", dist)).includes("dist"))("built package", () => {
  it("imports nothing: no Node built-ins, no dependencies", () => {
    for (const file of readdirSync(dist).filter((f) => /\.c?js$/.test(f))) {
      expect(readFileSync(new URL(file, dist), "utf8"), file).not.toMatch(/\bfrom\s*['"]|\brequire\(['"]/);
    }
  });

  it("bundles a mint-one-Video-token script to at most 3 KB (esbuild, minified)", async () => {
    const esbuild = createRequire(createRequire(import.meta.url).resolve("tsup"))("esbuild") as {
      build(options: object): Promise<{ outputFiles: { contents: Uint8Array }[] }>;
    };
    const entry = `import { createAccessToken } from ${JSON.stringify(new URL("index.js", dist).pathname)};\ncreateAccessToken({ accountSid: "AC", apiKey: "SK", apiSecret: "s", identity: "alice", grants: { video: { room: "daily" } } }).then(console.log);\n`;
    const result = await esbuild.build({ stdin: { contents: entry, resolveDir: new URL(".", dist).pathname }, bundle: true, minify: true, platform: "neutral", format: "esm", write: false, logLevel: "silent" });
    expect(result.outputFiles[0]!.contents.length).toBeLessThanOrEqual(3072);
  });
});
