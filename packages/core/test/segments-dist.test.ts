// The built subpath as users load it: `@twilio-kit/core/segments` through the package's exports map,
// from ESM and from CommonJS, in a fresh Node process (the package resolves its own name).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url);
const dist = new URL("../dist/", import.meta.url);
const body = "“Smart” quotes — and €";

function run(args: string[]): unknown {
  return JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: "utf8" }));
}

describe("@twilio-kit/core/segments (built)", () => {
  it("loads from ESM through the exports map", () => {
    const script = `import { segments } from "@twilio-kit/core/segments"; console.log(JSON.stringify(segments(${JSON.stringify(body)}, { smartEncoding: true })));`;
    expect(run(["--input-type=module", "-e", script])).toMatchObject({ encoding: "GSM-7", smartEncoded: true, units: 23, characters: 22 });
  });

  it("loads from CommonJS through the exports map, with the same answer", () => {
    const script = `const { segments } = require("@twilio-kit/core/segments"); console.log(JSON.stringify(segments(${JSON.stringify(body)})));`;
    expect(run(["-e", script])).toMatchObject({ encoding: "UCS-2", segments: 1, nonGsmCharacters: ["“", "”", "—"] });
  });

  it("loads nothing of the client and no Node built-in, only its own few kilobytes", () => {
    for (const entry of ["segments.js", "segments.cjs"]) {
      // the entry and every chunk it reaches (the bundler may share a tiny runtime helper between entries)
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        const source = readFileSync(new URL(file, dist), "utf8");
        expect(source, file).not.toMatch(/["']node:|createClient|TwilioApiError|\bfetch\(/);
        expect(source, file).not.toMatch(/(?:from\s*|import\s*\(?\s*|require\(\s*)["'](?!\.\/)/);
        for (const [, next] of source.matchAll(/(?:from\s*|import\s*|require\(\s*)["']\.\/([^"']+)["']/g)) visit(next!);
      };
      visit(entry);
      const bytes = [...seen].reduce((sum, file) => sum + readFileSync(new URL(file, dist)).length, 0);
      expect(bytes, entry).toBeLessThan(10_000);
    }
  });
});
