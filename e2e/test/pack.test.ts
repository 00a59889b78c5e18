// Packs every public package as `pnpm pack` would publish it, installs the tarballs into a temp project
// outside the workspace with npm, and imports every export from ESM and from CJS: the way users will.
// The consumer-side helpers are shared with the release rehearsal (release-rehearsal.test.ts); this
// test is the one that runs npm's full install, install scripts (better-sqlite3's build) included.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installTarballs, loadEveryExport, runScript } from "./release/consumer.js";

const root = new URL("../..", import.meta.url).pathname;
type Manifest = { name: string; private?: boolean; exports?: Record<string, unknown>; bin?: Record<string, string> };
const packages = readdirSync(join(root, "packages"))
  .map((dir) => ({ dir: join(root, "packages", dir), manifest: JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8")) as Manifest }))
  .filter(({ manifest }) => !manifest.private);

/** pnpm as the workspace runs it (it rewrites `workspace:^` on pack), falling back to the pinned one. */
function pnpm(args: string[], cwd: string): string {
  const execpath = process.env.npm_execpath;
  if (execpath && /pnpm/.test(execpath)) {
    // pnpm 12 ships as a native binary; older ones as a script for node
    const isScript = /\.[cm]?js$/.test(execpath);
    return execFileSync(isScript ? process.execPath : execpath, isScript ? [execpath, ...args] : args, { cwd, encoding: "utf8" });
  }
  return execFileSync("npx", ["-y", "pnpm@12.4.2", ...args], { cwd, encoding: "utf8" });
}

let project: string;
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), "twilio-kit-pack-"));
  const tarballs = packages.map(({ dir }) => {
    pnpm(["pack", "--pack-destination", project], dir);
    return readdirSync(project).filter((f) => f.endsWith(".tgz"));
  });
  installTarballs(project, [...new Set(tarballs.flat())].map((f) => join(project, f)));
});
afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

function run(file: string, source: string): string {
  return runScript(project, file, source);
}

describe("published tarballs", () => {
  it("installs every public package outside the workspace", () => {
    expect(packages.map((p) => p.manifest.name)).toContain("@twilio-kit/core");
    for (const { manifest } of packages) expect(existsSync(join(project, "node_modules", manifest.name, "package.json"))).toBe(true);
  });

  it.each(packages.map((p) => [p.manifest.name, p.manifest] as const))("%s: every export loads from ESM and CJS", (_name, manifest) => {
    const { specifiers, esm, cjs } = loadEveryExport(project, manifest);
    for (const list of [esm, cjs]) {
      expect(list).toHaveLength(specifiers.length);
      for (const n of list) expect(n).toBeGreaterThan(0);
    }
  });

  it("sends a request with @twilio-kit/core from both module systems", () => {
    const script = (load: string) => `${load}
const seen = [];
const fetch = async (url, init) => { seen.push(init.method + " " + url); return new Response(JSON.stringify({ sid: "SM1" }), { status: 201 }); };
const twilio = createTwilio({ accountSid: "AC" + "0".repeat(32), authToken: "t", fetch, baseUrl: "http://127.0.0.1:1" });
twilio.messages.create({ To: "+15558675310", Body: "hi" }).then((m) => console.log(m.sid, seen[0]));`;
    const expected = `SM1 POST http://127.0.0.1:1/api/2010-04-01/Accounts/AC${"0".repeat(32)}/Messages.json\n`;
    expect(run("send.mjs", script('import { createTwilio } from "@twilio-kit/core";'))).toBe(expected);
    expect(run("send.cjs", script('const { createTwilio } = require("@twilio-kit/core");'))).toBe(expected);
    expect(run("send-sub.mjs", script('import { createTwilio } from "@twilio-kit/core/api-v2010";'))).toBe(expected);
  });
});
