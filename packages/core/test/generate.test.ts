// Generation is deterministic: the same pinned specs and overlays give the same bytes.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function digestTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const rel = join(sub, name);
      if (statSync(join(dir, rel)).isDirectory()) walk(rel);
      else out[rel] = createHash("sha256").update(readFileSync(join(dir, rel))).digest("hex");
    }
  };
  walk("");
  return out;
}

describe("generate", () => {
  it("produces byte-identical output to the generated sources, for all 62 specs", { timeout: 180_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), "twilio-kit-gen-"));
    try {
      execFileSync(process.execPath, ["scripts/generate.mjs", "--out", out], { cwd: new URL("..", import.meta.url) });
      const fresh = digestTree(out);
      expect(Object.keys(fresh).filter((f) => f.startsWith("types/"))).toHaveLength(62);
      expect(fresh).toEqual(digestTree(new URL("../src/generated", import.meta.url).pathname));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
