// Checks on the built package (run `tsup` first): the universal entry must not touch Node built-ins.
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";

const dist = new URL("../dist/", import.meta.url);

function closure(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const code = readFileSync(new URL(entry, dist), "utf8");
  for (const [, spec] of code.matchAll(/from\s*['"](\.\/[^'"]+)['"]/g)) closure(spec!.slice(2), seen);
  return seen;
}

describe.skipIf(!readdirSync(new URL("..", dist)).includes("dist"))("built package", () => {
  it("keeps node: imports out of the universal entry and everything it loads", () => {
    for (const file of closure("index.js")) {
      expect(readFileSync(new URL(file, dist), "utf8")).not.toMatch(/from\s*['"](node:|crypto['"]|http['"]|stream['"])/);
    }
  });

  it("imports node:crypto only from the node entries", () => {
    expect([...closure("node.js")].some((file) => readFileSync(new URL(file, dist), "utf8").includes("node:crypto"))).toBe(true);
  });
});
