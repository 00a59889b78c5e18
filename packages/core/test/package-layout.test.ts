// The built package's layout: the root entry loads only the runtime and the 2010 API up front, and
// each spec's declarations ship once yet type-check from ESM and CJS with library checks on.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { compactComment, compactDeclarations } from "../scripts/compact-declarations.mjs";

const root = new URL("..", import.meta.url).pathname;
const dist = join(root, "dist");

/** Files an ES module reaches through static `import`/`export … from` (not `import()`), itself included. */
function staticGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(file, "utf8");
  for (const match of source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["'](\.[^"']+)["']|(?:^|\n)\s*import\s*["'](\.[^"']+)["']/g)) {
    staticGraph(join(dirname(file), match[1] ?? match[2]!), seen);
  }
  return seen;
}

describe("root entry", () => {
  for (const entry of ["index.js", "node/index.js"]) {
    it(`reaches only the runtime and the 2010 API through static imports (${entry})`, () => {
      const graph = [...staticGraph(join(dist, entry))].map((file) => readFileSync(file, "utf8")).join("\n");
      // paths as the packed facades spell them: a quote, then the path
      expect(graph).toMatch(/"\/2010-04-01\/Accounts/);
      expect(graph).toContain(`"~/Messages.json"`);
      expect(graph).not.toMatch(/"\/verify\/v2/);
      expect(graph).not.toMatch(/"\/messaging\/v1/);
      // every other product is behind an import() of its own module
      expect(readFileSync(join(dist, entry), "utf8").match(/import\(["'][^"']+["']\)/g)?.length).toBeGreaterThanOrEqual(55);
    });
  }
});

describe("declarations", () => {
  it("ship each spec's declarations once, in a CommonJS-typed folder both entry formats import", () => {
    const generated = join(dist, "generated");
    expect(JSON.parse(readFileSync(join(generated, "package.json"), "utf8"))).toEqual({ type: "commonjs" });
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    expect(walk(generated).filter((f) => f.endsWith(".d.cts"))).toEqual([]);
    expect(walk(join(generated, "types")).filter((f) => f.endsWith(".d.ts"))).toHaveLength(62);
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    type Conditions = { import: { types: string }; require: { types: string } };
    for (const [subpath, conditions] of Object.entries(manifest.exports as Record<string, Conditions | string>)) {
      if (typeof conditions === "string") continue;
      for (const types of [conditions.import.types, conditions.require.types]) expect(existsSync(join(root, types)), `${subpath} ${types}`).toBe(true);
    }
  });

  it("type-check a consumer of the root and two subpaths from ESM and CJS, library checks on", { timeout: 180_000 }, () => {
    const project = mkdtempSync(join(tmpdir(), "twilio-kit-types-"));
    try {
      mkdirSync(join(project, "node_modules/@twilio-kit"), { recursive: true });
      symlinkSync(root, join(project, "node_modules/@twilio-kit/core"), "dir");
      writeFileSync(join(project, "package.json"), "{}");
      const source = `import { createTwilio, type Twilio } from "@twilio-kit/core";
import { createTwilio as createApi } from "@twilio-kit/core/api-v2010";
import type { components } from "@twilio-kit/core/verify-v2";
const twilio: Twilio = createTwilio({ accountSid: "AC", authToken: "t" });
export async function use() {
  const verification = await twilio.verify.v2.services.verifications.create({ ServiceSid: "VA", To: "+1", Channel: "sms" });
  const sid: string | null | undefined = verification.sid;
  // @ts-expect-error Nope is not a param of Messages
  await createApi().messages.create({ To: "+1", Nope: 1 });
  const service: components["schemas"]["verify.v2.service"] | undefined = undefined;
  return [sid, service] as const;
}
`;
      writeFileSync(join(project, "esm.mts"), source);
      writeFileSync(join(project, "cjs.cts"), source);
      const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
      const check = (...args: string[]) =>
        execFileSync(process.execPath, [tsc, "--noEmit", "--strict", "--target", "es2022", "--lib", "es2022,dom", "--types", "node", ...args], {
          cwd: project,
          encoding: "utf8",
          env: { ...process.env, NODE_PATH: "" },
        });
      // node16 resolves the `.d.ts` for ESM and the `.d.cts` for CJS; bundler the import condition
      expect(() => check("--module", "node16", "--moduleResolution", "node16", "--typeRoots", join(root, "node_modules/@types"), "esm.mts", "cjs.cts")).not.toThrow();
      expect(() => check("--module", "esnext", "--moduleResolution", "bundler", "--typeRoots", join(root, "node_modules/@types"), "esm.mts")).not.toThrow();
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

describe("compactDeclarations", () => {
  it("keeps one copy of a summary its @description repeats, as a one-line comment", () => {
    expect(compactComment("/**\n     * Fetch a Service.\n     * @description Fetch a Service.\n     */")).toBe("/** Fetch a Service. */");
  });

  it("drops @enum tags (the literal union says it) and keeps @example and multi-line text", () => {
    const source = "    /**\n     * @description The status.\n     * @enum {string}\n     */\n    status: \"a\" | \"b\";\n    /** @enum {string} */\n    order: \"asc\";\n    /**\n     * @description Origin\n     * @example *\n     */\n    origin?: string;\n";
    expect(compactDeclarations(source)).toBe("\t/** The status. */\n\tstatus: \"a\" | \"b\";\n\torder: \"asc\";\n\t/**\n\t * Origin\n\t * @example *\n\t */\n\torigin?: string;\n");
  });

  it("removes indentation when asked and never touches a declaration line", () => {
    const source = "export interface paths {\n    \"/v2/Services\": {\n        get: operations[\"ListService\"];\n    };\n}\n";
    expect(compactDeclarations(source, { indent: false })).toBe("export interface paths {\n\"/v2/Services\": {\nget: operations[\"ListService\"];\n};\n}\n");
  });
});
