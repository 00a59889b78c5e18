// Versioning: what `changeset status` plans on a fresh clone is exactly what the changesets ask for,
// and every range between our packages still accepts the versions it will meet (CONTRIBUTING.md,
// "Versioning policy"). The pure checks are tested on hand-made plans first, so a passing run
// on the real plan means something.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkReleasePlan, publishedRange, type ReleasePlan, type WorkspacePackage } from "./release/plan.js";
import { changeset, cloneRepository, commitAll, readWorkspacePackages, type Clone } from "./release/workspace.js";

const core: WorkspacePackage = { name: "@twilio-kit/core", version: "0.1.0", isPrivate: false };
const twiml: WorkspacePackage = { name: "@twilio-kit/twiml", version: "0.1.0", isPrivate: false };
const sandbox = (peer: string, dep = "workspace:^"): WorkspacePackage => ({
  name: "@twilio-kit/sandbox",
  version: "0.1.0",
  isPrivate: false,
  dependencies: { "@twilio-kit/twiml": dep },
  peerDependencies: { "@twilio-kit/core": peer },
});
const release = (name: string, type: ReleasePlan["releases"][number]["type"], oldVersion: string, newVersion: string) => ({ name, type, oldVersion, newVersion, changesets: [] });
const coreMinor = { id: "core-feature", summary: "A feature.", releases: [{ name: "@twilio-kit/core", type: "minor" as const }] };

describe("publishedRange", () => {
  it("writes each workspace: form the way pnpm pack does", () => {
    expect(publishedRange("workspace:^", "0.2.0")).toBe("^0.2.0");
    expect(publishedRange("workspace:~", "0.2.0")).toBe("~0.2.0");
    expect(publishedRange("workspace:*", "0.2.0")).toBe("0.2.0");
    expect(publishedRange("workspace:0.x", "0.2.0")).toBe("0.x");
    expect(publishedRange("^1.2.3", "0.2.0")).toBe("^1.2.3");
  });

  it("names a spec that gives no semver range", () => {
    expect(() => publishedRange("workspace:../core", "0.2.0")).toThrow(/workspace:\.\.\/core/);
  });
});

describe("checkReleasePlan", () => {
  it("accepts a core minor that a 0.x peer range of an unchanged sandbox still accepts", () => {
    const plan: ReleasePlan = { changesets: [coreMinor], releases: [release("@twilio-kit/core", "minor", "0.1.0", "0.2.0")] };
    expect(checkReleasePlan(plan, [core, twiml, sandbox("workspace:0.x")])).toEqual([]);
  });

  it("rejects a dependent driven to major by its peer's minor", () => {
    const plan: ReleasePlan = {
      changesets: [coreMinor],
      releases: [release("@twilio-kit/core", "minor", "0.1.0", "0.2.0"), release("@twilio-kit/sandbox", "major", "0.1.0", "1.0.0")],
    };
    expect(checkReleasePlan(plan, [core, twiml, sandbox("workspace:^")])).toEqual([
      "@twilio-kit/sandbox is planned major (0.1.0 -> 1.0.0) but no changeset names it (a dependency update is a patch)",
    ]);
  });

  it("rejects a bump larger than the package's largest changeset", () => {
    const plan: ReleasePlan = { changesets: [{ ...coreMinor, releases: [{ name: "@twilio-kit/core", type: "patch" }] }], releases: [release("@twilio-kit/core", "minor", "0.1.0", "0.2.0")] };
    expect(checkReleasePlan(plan, [core])).toEqual(["@twilio-kit/core is planned minor (0.1.0 -> 0.2.0) but its largest changeset says patch"]);
  });

  it("rejects a caret peer range of a dependent that is not re-released when the peer's minor leaves it", () => {
    const plan: ReleasePlan = { changesets: [coreMinor], releases: [release("@twilio-kit/core", "minor", "0.1.0", "0.2.0")] };
    expect(checkReleasePlan(plan, [core, twiml, sandbox("workspace:^")])).toEqual([
      '@twilio-kit/sandbox@0.1.0, not re-released has peerDependencies @twilio-kit/core: "^0.1.0", which @twilio-kit/core@0.2.0 does not satisfy',
    ]);
  });

  it("rejects a dependency's minor that a dependent's explicit range does not accept even when the dependent is re-released", () => {
    const plan: ReleasePlan = {
      changesets: [{ id: "both", summary: "x", releases: [{ name: "@twilio-kit/twiml", type: "minor" }, { name: "@twilio-kit/sandbox", type: "patch" }] }],
      releases: [release("@twilio-kit/twiml", "minor", "0.1.0", "0.2.0"), release("@twilio-kit/sandbox", "patch", "0.1.0", "0.1.1")],
    };
    expect(checkReleasePlan(plan, [core, twiml, sandbox("workspace:0.x", "workspace:~0.1.0")])).toEqual([
      '@twilio-kit/sandbox@0.1.1 has dependencies @twilio-kit/twiml: "~0.1.0", which @twilio-kit/twiml@0.2.0 does not satisfy',
    ]);
  });

  it("rejects a public package that depends on a private one", () => {
    const app: WorkspacePackage = { name: "@twilio-kit-example/app", version: "0.0.0", isPrivate: true };
    const leaky: WorkspacePackage = { ...core, dependencies: { "@twilio-kit-example/app": "workspace:*" } };
    expect(checkReleasePlan({ changesets: [], releases: [] }, [leaky, app])).toEqual([
      "@twilio-kit/core lists the private @twilio-kit-example/app in dependencies: it can never be installed",
    ]);
  });
});

/** `changeset status --output` in `dir`, parsed. */
function status(dir: string): ReleasePlan {
  changeset(["status", "--output=release-plan.json"], dir);
  return JSON.parse(readFileSync(join(dir, "release-plan.json"), "utf8")) as ReleasePlan;
}

describe("the release plan of this repository", () => {
  let clone: Clone;
  beforeAll(() => {
    clone = cloneRepository("twilio-kit-release-plan-");
  });
  afterAll(() => clone?.remove());

  it("bumps each package no further than its changesets ask, and every range accepts the new versions", () => {
    const plan = status(clone.dir);
    expect(checkReleasePlan(plan, readWorkspacePackages(clone.dir))).toEqual([]);
    // private packages are never versioned, so nothing can pull them into a release
    const packages = readWorkspacePackages(clone.dir);
    const privateNames = new Set(packages.filter((p) => p.isPrivate).map((p) => p.name));
    expect(plan.releases.filter((r) => privateNames.has(r.name) && r.type !== "none")).toEqual([]);
  });

  it("flags the forced majors that caret peer ranges without onlyUpdatePeerDependentsWhenOutOfRange cause", () => {
    // The configuration this repository had before: proves the check above can fail on the real tool.
    const before = cloneRepository("twilio-kit-release-before-");
    try {
      const configFile = join(before.dir, ".changeset", "config.json");
      const config = JSON.parse(readFileSync(configFile, "utf8")) as Record<string, unknown>;
      delete config.___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH;
      writeFileSync(configFile, JSON.stringify(config, null, 2));
      for (const pkg of readWorkspacePackages(before.dir).filter((p) => p.peerDependencies)) {
        const file = join(before.dir, pkg.folder, "package.json");
        writeFileSync(file, readFileSync(file, "utf8").replace(/("@twilio-kit\/[a-z-]+": )"workspace:0\.x"/g, '$1"workspace:^"'));
      }
      commitAll(before.dir, "caret peers");
      const problems = checkReleasePlan(status(before.dir), readWorkspacePackages(before.dir));
      expect(problems.some((p) => /^@twilio-kit\/sandbox is planned major/.test(p))).toBe(true);
      expect(problems.some((p) => /^@twilio-kit\/cli is planned major/.test(p))).toBe(true);
    } finally {
      before.remove();
    }
  });
});

describe("the release plan after a first release", () => {
  // One clone where the pending changesets are released (`changeset version`, committed); each
  // test adds its own changeset, reads the plan and removes the changeset again.
  let released: Clone;
  beforeAll(() => {
    released = cloneRepository("twilio-kit-release-next-");
    changeset(["version"], released.dir);
    commitAll(released.dir, "Version Packages");
  });
  afterAll(() => released?.remove());

  it.each([
    ["a core minor", { "@twilio-kit/core": "minor" }, ["@twilio-kit/core minor"]],
    ["a sandbox minor", { "@twilio-kit/sandbox": "minor" }, ["@twilio-kit/sandbox minor"]],
    ["a twiml minor", { "@twilio-kit/twiml": "minor" }, ["@twilio-kit/sandbox patch", "@twilio-kit/twiml minor"]],
    ["a webhooks patch", { "@twilio-kit/webhooks": "patch" }, ["@twilio-kit/webhooks patch"]],
  ] as const)("%s releases only what it must, and every published range still holds", (_, bumps, expected) => {
    const file = join(released.dir, ".changeset", "scenario.md");
    const frontmatter = Object.entries(bumps).map(([name, type]) => `"${name}": ${type}`).join("\n");
    writeFileSync(file, `---\n${frontmatter}\n---\n\nA change.\n`);
    try {
      const plan = status(released.dir);
      const moved = plan.releases.filter((r) => r.type !== "none").map((r) => `${r.name} ${r.type}`).sort();
      expect(moved).toEqual(expected);
      expect(checkReleasePlan(plan, readWorkspacePackages(released.dir))).toEqual([]);
    } finally {
      rmSync(file, { force: true });
    }
  });
});

describe("a snapshot release", () => {
  it("versions each planned package as its next version plus the tag and a timestamp, and every range between them accepts the snapshots", () => {
    const snapshot = cloneRepository("twilio-kit-release-snapshot-");
    try {
      const planned = new Map(status(snapshot.dir).releases.filter((r) => r.type !== "none").map((r) => [r.name, r.newVersion]));
      rmSync(join(snapshot.dir, "release-plan.json"));
      changeset(["version", "--snapshot", "pr-123"], snapshot.dir);
      const packages = readWorkspacePackages(snapshot.dir).filter((p) => !p.isPrivate);
      const versions = new Map(packages.map((p) => [p.name, p.version]));
      expect(planned.size).toBeGreaterThan(0);
      for (const [name, next] of planned) expect(versions.get(name), name).toMatch(new RegExp(`^${next.replace(/\./g, "\\.")}-pr-123-\\d{14}$`));
      // a prerelease satisfies no ordinary range, so changesets must pin the snapshot peers exactly
      for (const pkg of packages) {
        for (const field of ["dependencies", "peerDependencies"] as const) {
          for (const [name, spec] of Object.entries(pkg[field] ?? {})) {
            const version = versions.get(name);
            if (version) expect(semver.satisfies(version, publishedRange(spec, version)), `${pkg.name} ${field} ${name} "${spec}" vs ${version}`).toBe(true);
          }
        }
      }
    } finally {
      snapshot.remove();
    }
  });
});
