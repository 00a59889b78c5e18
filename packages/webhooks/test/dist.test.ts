// Checks on the built package (run `tsup` first): the universal entry must not touch Node built-ins,
// and nothing shipped may need @twilio-kit/core (used for types only, inlined at build time).
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

  it("imports node:crypto only from the node entries", () => {
    expect([...closure("node.js")].some((file) => readFileSync(new URL(file, dist), "utf8").includes("node:crypto"))).toBe(true);
  });
});
