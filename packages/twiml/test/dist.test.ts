// Checks on the built package (run `tsup` first).
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const built = new URL("../dist/index.js", import.meta.url);

describe.skipIf(!existsSync(built))("built package", () => {
  it("imports nothing: no Node built-ins, no XML library", () => {
    expect(readFileSync(built, "utf8")).not.toMatch(/\bfrom\s*['"]|require\(/);
  });
});
