// Checks on the built package: the universal entry must not touch Node built-ins, and nothing shipped
// may need @twilio-kit/core (used for types only, inlined at build time). `turbo run test` builds
// first; by hand, run `npx tsup`. A missing build fails: a skipped check is a check nobody ran.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const dist = new URL("../dist/", import.meta.url);

// The files `entry` loads, transitively; `suffix` maps a specifier to a file (`.js` -> `.d.ts` for declarations).
function closure(entry: string, seen = new Set<string>(), imports = /from\s*['"](\.\/[^'"]+)['"]/g, suffix = ""): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const code = readFileSync(new URL(entry, dist), "utf8");
  for (const [, spec] of code.matchAll(imports)) closure(spec!.slice(2) + suffix, seen, imports, suffix);
  return seen;
}

describe("built package", () => {
  it("exists (build the package before testing it)", () => {
    expect(existsSync(new URL("index.js", dist)), `${dist.pathname} is missing: run \`npx tsup\` in packages/webhooks`).toBe(true);
  });

  it("keeps node: imports out of the universal entry and everything it loads", () => {
    for (const file of closure("index.js")) {
      expect(readFileSync(new URL(file, dist), "utf8")).not.toMatch(/from\s*['"](node:|crypto['"]|http['"]|stream['"])/);
    }
  });

  it("never references @twilio-kit/core in shipped code or declarations (it is a dev dependency)", () => {
    const shipped = readdirSync(dist).filter((file) => /\.(c?js|d\.c?ts)$/.test(file));
    expect(shipped.filter((file) => file.endsWith(".d.ts")).length).toBeGreaterThan(0);
    for (const file of shipped) expect(readFileSync(new URL(file, dist), "utf8"), file).not.toContain("@twilio-kit/core");
  });

  it("ships the spec's status values inlined in the declarations", () => {
    // tsup splits shared declarations into chunks: follow the imports of index.d.ts.
    const types = [...closure("index.d.ts", new Set(), /from\s*['"](\.\/[^'"]+)\.js['"]/g, ".d.ts")].map((file) => readFileSync(new URL(file, dist), "utf8")).join("\n");
    expect(types).toMatch(/"partially_delivered"/);
    expect(types).toMatch(/"no-answer"/);
  });

  // Bundled the way a user's bundler does it: through the package's `exports`, by package name.
  async function bundleValidateOnly(options: object): Promise<string> {
    // tsup brings esbuild.
    const esbuild = createRequire(createRequire(import.meta.url).resolve("tsup"))("esbuild") as {
      build(options: object): Promise<{ outputFiles: { text: string; contents: Uint8Array }[] }>;
    };
    const root = mkdtempSync(join(tmpdir(), "twk-webhooks-bundle-"));
    try {
      mkdirSync(join(root, "node_modules", "@twilio-kit"), { recursive: true });
      symlinkSync(fileURLToPath(new URL("..", dist)), join(root, "node_modules", "@twilio-kit", "webhooks"), "dir");
      const entry = `import { verifyTwilioSignature } from "@twilio-kit/webhooks";\nverifyTwilioSignature({ authToken: "t", signature: "s", url: "https://e/", params: {} }).then(console.log);\n`;
      const result = await esbuild.build({ stdin: { contents: entry, resolveDir: root }, bundle: true, minify: true, format: "esm", write: false, logLevel: "silent", external: ["node:*"], ...options });
      return result.outputFiles[0]!.text;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  it("bundles a validate-only script for Workers and edge runtimes to at most 3 KB (esbuild, minified)", async () => {
    // The size target; adapters, parsers and compute must tree-shake away.
    for (const options of [{ platform: "neutral", conditions: ["workerd", "worker", "browser"] }, { platform: "neutral", conditions: ["edge-light"] }, { platform: "browser" }]) {
      const code = await bundleValidateOnly(options);
      expect(code, JSON.stringify(options)).not.toContain("node:crypto");
      expect(new TextEncoder().encode(code).length, JSON.stringify(options)).toBeLessThanOrEqual(3072);
    }
  });

  it("resolves the default entry to the node:crypto build under the node condition", async () => {
    expect(await bundleValidateOnly({ platform: "node" })).toContain("node:crypto");
    // Node's own resolver (a self-reference from the package) picks the same build.
    expect(createRequire(new URL("../package.json", dist)).resolve("@twilio-kit/webhooks")).toBe(fileURLToPath(new URL("index-node.cjs", dist)));
  });

  it("imports node:crypto only from the node entries", () => {
    expect([...closure("node.js")].some((file) => readFileSync(new URL(file, dist), "utf8").includes("node:crypto"))).toBe(true);
  });
});
