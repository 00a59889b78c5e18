// A release rehearsal: in a fresh clone of the committed tree, do what the release workflow does
// (`changeset version`, build, pack every public package as `pnpm publish` would) and check the
// tarballs the way a user meets them. The clone installs from the pnpm store the workspace
// already filled (`--prefer-offline`) and starts from the workspace's turbo cache and spec files,
// so only what the version bump really changes is rebuilt.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import semver from "semver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INSTALL_SCRIPTS, installTarballs, loadEveryExport, runScript, type PackedManifest } from "./release/consumer.js";
import type { ReleasePlan } from "./release/plan.js";
import { changeset, cloneRepository, pnpm, readWorkspacePackages, repository, run, type Clone } from "./release/workspace.js";

type Package = ReturnType<typeof readWorkspacePackages>[number];

let clone: Clone;
let consumer: string;
let plan: ReleasePlan;
let before: Package[];
/** Public packages after `changeset version`, with the manifest `pnpm pack` wrote into each tarball. */
const packed = new Map<string, { pkg: Package; tarball: string; manifest: PackedManifest }>();
const timings: string[] = [];

/** Runs `step`, noting how long it took (printed once at the end: the rehearsal's cost in `npm test`). */
function timed<T>(name: string, step: () => T): T {
  const start = performance.now();
  try {
    return step();
  } finally {
    timings.push(`${name} ${((performance.now() - start) / 1000).toFixed(1)}s`);
  }
}

/** The package.json inside a tarball. */
function manifestOf(tarball: string): PackedManifest {
  return JSON.parse(run("tar", ["-xzOf", tarball, "package/package.json"], tmpdir())) as PackedManifest;
}

beforeAll(() => {
  clone = timed("clone", () => cloneRepository("twilio-kit-rehearsal-"));
  const { dir } = clone;
  timed("install", () => {
    // build inputs the clone would otherwise download (specs) or regenerate (turbo's cache of
    // unchanged tasks, e.g. core's generated types): both are keyed by content, so reuse is exact
    for (const reusable of ["openapi/specs", ".turbo/cache"]) {
      if (existsSync(join(repository, reusable))) cpSync(join(repository, reusable), join(dir, reusable), { recursive: true });
    }
    pnpm(["install", "--frozen-lockfile", "--prefer-offline"], dir);
  });
  before = readWorkspacePackages(dir);
  timed("version", () => {
    changeset(["status", "--output=release-plan.json"], dir);
    plan = JSON.parse(readFileSync(join(dir, "release-plan.json"), "utf8")) as ReleasePlan;
    rmSync(join(dir, "release-plan.json"));
    changeset(["version"], dir);
  });
  timed("build", () => pnpm(["exec", "turbo", "run", "build", "--filter=./packages/*", "--concurrency=2", "--output-logs=errors-only"], dir));
  const tarballs = join(dir, "..", "tarballs");
  mkdirSync(tarballs);
  timed("pack", () => {
    for (const pkg of readWorkspacePackages(dir).filter((p) => !p.isPrivate)) {
      const seen = new Set(readdirSync(tarballs));
      pnpm(["pack", "--pack-destination", tarballs], join(dir, pkg.folder));
      const [file] = readdirSync(tarballs).filter((f) => !seen.has(f));
      if (!file) throw new Error(`pnpm pack wrote no tarball for ${pkg.name}`);
      packed.set(pkg.name, { pkg, tarball: join(tarballs, file), manifest: manifestOf(join(tarballs, file)) });
    }
  });
  consumer = mkdtempSync(join(tmpdir(), "twilio-kit-rehearsal-consumer-"));
  // Our packages must not need install scripts: the rehearsal installs with them off and reuses the
  // workspace's native build of better-sqlite3 (pack.test.ts runs npm's full install, scripts included).
  for (const { manifest } of packed.values()) {
    const scripts = (manifest as { scripts?: Record<string, string> }).scripts ?? {};
    const found = INSTALL_SCRIPTS.filter((name) => scripts[name]);
    if (found.length > 0) throw new Error(`${manifest.name} has install scripts (${found.join(", ")}): users would run them on install`);
  }
  timed("npm install", () => installTarballs(consumer, [...packed.values()].map((p) => p.tarball), repository));
});

afterAll(() => {
  console.log(`release rehearsal: ${timings.join(", ")}`);
  clone?.remove();
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

/** The `## version` section of a CHANGELOG.md, with its `### … Changes` parts by bump. */
function changelogSection(text: string, version: string): { bullets: string[]; byHeading: Map<string, string> } {
  const section = text.split(/^## /m).find((s) => s.startsWith(`${version}\n`));
  if (!section) throw new Error(`no "## ${version}" section`);
  const byHeading = new Map<string, string>();
  for (const part of section.split(/^### /m).slice(1)) {
    const [heading = "", ...body] = part.split("\n");
    byHeading.set(heading.trim(), body.join("\n"));
  }
  return { bullets: section.split("\n").filter((line) => line.startsWith("- ")), byHeading };
}

const squash = (text: string) => text.replace(/\s+/g, " ").trim();
const HEADINGS = { major: "Major Changes", minor: "Minor Changes", patch: "Patch Changes" } as const;

describe("release rehearsal", () => {
  it("versions exactly the packages the plan releases, to the planned versions", () => {
    expect(plan.releases.filter((r) => r.type !== "none").length).toBeGreaterThan(0);
    for (const { pkg, manifest } of packed.values()) {
      const release = plan.releases.find((r) => r.name === pkg.name && r.type !== "none");
      const old = before.find((p) => p.name === pkg.name)?.version;
      expect({ name: pkg.name, version: manifest.version }).toEqual({ name: pkg.name, version: release?.newVersion ?? old });
    }
  });

  it("writes one CHANGELOG.md entry per changeset, under its bump's heading, and consumes the changeset files", () => {
    for (const release of plan.releases.filter((r) => r.type !== "none")) {
      const entry = packed.get(release.name);
      expect(entry, `${release.name} is released but was not packed`).toBeDefined();
      const { bullets, byHeading } = changelogSection(readFileSync(join(clone.dir, entry!.pkg.folder, "CHANGELOG.md"), "utf8"), release.newVersion);
      const own = plan.changesets.filter((c) => c.releases.some((r) => r.name === release.name && r.type !== "none"));
      for (const changeset of own) {
        const type = changeset.releases.find((r) => r.name === release.name)!.type as keyof typeof HEADINGS;
        expect(squash(byHeading.get(HEADINGS[type]) ?? ""), `${release.name}: ${changeset.id}`).toContain(squash(changeset.summary));
      }
      expect(bullets.filter((b) => !b.startsWith("- Updated dependencies"))).toHaveLength(own.length);
    }
    expect(readdirSync(join(clone.dir, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md")).toEqual([]);
  });

  it("packs every public package and no private one (apps, bench, openapi, e2e)", () => {
    const all = readWorkspacePackages(clone.dir);
    expect([...packed.keys()].sort()).toEqual(all.filter((p) => !p.isPrivate).map((p) => p.name).sort());
    for (const pkg of all.filter((p) => !p.folder.startsWith("packages/"))) expect({ folder: pkg.folder, isPrivate: pkg.isPrivate }).toEqual({ folder: pkg.folder, isPrivate: true });
    for (const name of packed.keys()) expect(name).toMatch(/^@twilio-kit\//);
  });

  it("leaves no workspace: range in a packed manifest, and every range between our packages accepts the packed versions", () => {
    for (const { manifest } of packed.values()) {
      expect(JSON.stringify(manifest), manifest.name).not.toContain("workspace:");
      for (const field of ["dependencies", "peerDependencies", "optionalDependencies"] as const) {
        for (const [name, range] of Object.entries(manifest[field] ?? {})) {
          const target = packed.get(name)?.manifest.version;
          if (target) expect(semver.satisfies(target, range), `${manifest.name} ${field} ${name}@"${range}" vs ${target}`).toBe(true);
        }
      }
    }
  });

  it("names one GitHub repository and each package's folder in every packed manifest (npm provenance checks them)", () => {
    const urls = new Set<string>();
    for (const { pkg, manifest } of packed.values()) {
      const { repository: repo, license } = manifest as { repository?: { url?: string; directory?: string }; license?: string };
      expect({ name: pkg.name, directory: repo?.directory, hasLicense: Boolean(license) }).toEqual({ name: pkg.name, directory: pkg.folder, hasLicense: true });
      urls.add(repo?.url ?? "");
    }
    expect([...urls]).toHaveLength(1);
    expect([...urls][0]).toMatch(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
  });

  it("ships the repository's MIT LICENSE, byte for byte, in every tarball", () => {
    const license = readFileSync(join(clone.dir, "LICENSE"), "utf8");
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} twilio-kit contributors\n/);
    for (const { pkg, tarball } of packed.values()) {
      const entries = run("tar", ["-tzf", tarball], tmpdir()).split("\n");
      expect({ name: pkg.name, hasLicense: entries.includes("package/LICENSE") }).toEqual({ name: pkg.name, hasLicense: true });
      expect(run("tar", ["-xzOf", tarball, "package/LICENSE"], tmpdir()), pkg.name).toBe(license);
    }
  });

  it("installs the tarballs into a project outside the workspace, where every export loads from ESM and CJS", () => {
    for (const { manifest } of packed.values()) {
      expect(existsSync(join(consumer, "node_modules", manifest.name, "package.json")), manifest.name).toBe(true);
      const { specifiers, esm, cjs } = loadEveryExport(consumer, manifest);
      for (const counts of [esm, cjs]) {
        expect(counts, manifest.name).toHaveLength(specifiers.length);
        for (const n of counts) expect(n).toBeGreaterThan(0);
      }
    }
  });

  it("prints the new cli version from `twk --version`", () => {
    const cli = packed.get("@twilio-kit/cli");
    expect(cli).toBeDefined();
    const twk = join(consumer, "node_modules", ".bin", "twk");
    expect(run(twk, ["--version"], consumer).trim()).toBe(cli!.manifest.version);
  });

  it("sends core's new version in the User-Agent, from ESM and CJS", () => {
    const core = packed.get("@twilio-kit/core");
    expect(core).toBeDefined();
    const script = (load: string) => `${load}
const fetch = async (url, init) => { console.log(new Headers(init.headers).get("user-agent")); return new Response(JSON.stringify({ sid: "SM1" }), { status: 201 }); };
const twilio = createTwilio({ accountSid: "AC" + "0".repeat(32), authToken: "t", fetch, baseUrl: "http://127.0.0.1:1" });
await twilio.messages.create({ To: "+15558675310", Body: "hi" });`;
    const expected = new RegExp(`^twilio-kit/${core!.manifest.version.replace(/\./g, "\\.")} \\(node/`);
    expect(runScript(consumer, "ua.mjs", script('import { createTwilio } from "@twilio-kit/core";'))).toMatch(expected);
    const cjs = script('const { createTwilio } = require("@twilio-kit/core");').replace(/^await (.*);$/m, "$1.catch((e) => { console.error(e); process.exit(1); });");
    expect(runScript(consumer, "ua.cjs", cjs)).toMatch(expected);
  });

  it("sends a message with the released core to the released sandbox (its optional peer and native SQLite)", () => {
    expect(packed.has("@twilio-kit/sandbox")).toBe(true);
    const out = runScript(
      consumer,
      "sandbox.mjs",
      `import { startSandbox } from "@twilio-kit/sandbox";
const sandbox = await startSandbox({ clock: "manual" });
try {
  const twilio = await sandbox.client();
  const message = await twilio.messages.create({ To: "+15558675310", From: sandbox.phoneNumber, Body: "rehearsal" });
  console.log(message.sid, message.status);
} finally {
  await sandbox.stop();
}`,
    );
    expect(out.trim()).toMatch(/^SM[0-9a-f]{32} (accepted|queued)$/);
  });
});
