// Checks on the built package: the universal entry must not touch Node built-ins, and nothing shipped
// may need @twilio-kit/core (used for types only, inlined at build time). `turbo run test` builds
// first; by hand, run `npx tsup`. A missing build fails: a skipped check is a check nobody ran.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const dist = new URL("../dist/", import.meta.url);

function closure(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const code = readFileSync(new URL(entry, dist), "utf8");
  for (const [, spec] of code.matchAll(/from\s*['"](\.\/[^'"]+)['"]/g)) closure(spec!.slice(2), seen);
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
    const types = readFileSync(new URL("index.d.ts", dist), "utf8");
    expect(types).toMatch(/"partially_delivered"/);
    expect(types).toMatch(/"no-answer"/);
  });

  it("bundles a validate-only script to at most 3 KB (esbuild, minified)", async () => {
    // The size target; tsup brings esbuild. Adapters, parsers and compute must tree-shake away.
    const esbuild = createRequire(createRequire(import.meta.url).resolve("tsup"))("esbuild") as {
      build(options: object): Promise<{ outputFiles: { contents: Uint8Array }[] }>;
    };
    const entry = `import { verifyTwilioSignature } from ${JSON.stringify(new URL("index.js", dist).pathname)};\nverifyTwilioSignature({ authToken: "t", signature: "s", url: "https://e/", params: {} }).then(console.log);\n`;
    const result = await esbuild.build({ stdin: { contents: entry, resolveDir: new URL(".", dist).pathname }, bundle: true, minify: true, platform: "node", format: "esm", write: false, logLevel: "silent" });
    expect(result.outputFiles[0]!.contents.length).toBeLessThanOrEqual(3072);
  });

  it("imports node:crypto only from the node entries", () => {
    expect([...closure("node.js")].some((file) => readFileSync(new URL(file, dist), "utf8").includes("node:crypto"))).toBe(true);
  });
});
