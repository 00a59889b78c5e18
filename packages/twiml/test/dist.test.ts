// Checks on the built package. `turbo run test` builds first; run `npx tsup` when testing by hand.
// A missing build fails here rather than skipping: a skipped check is a check nobody ran.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const built = new URL("../dist/index.js", import.meta.url);

describe("built package", () => {
  it("exists (build the package before testing it)", () => {
    expect(existsSync(built), `${built.pathname} is missing: run \`npx tsup\` in packages/twiml`).toBe(true);
  });

  it("imports nothing: no Node built-ins, no XML library", () => {
    expect(readFileSync(built, "utf8")).not.toMatch(/\bfrom\s*['"]|require\(/);
  });
});
