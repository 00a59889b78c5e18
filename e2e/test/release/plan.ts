// Checks a changesets release plan (`changeset status --output`) against the rules in
// CONTRIBUTING.md: a package is bumped no further than its own changesets ask (a package without
// changesets at most `patch`, the bump changesets gives a dependent whose dependency left its
// range), and every published range between workspace packages still accepts what it will meet.
import semver from "semver";

/** A semver bump as changesets names it. */
export type Bump = "none" | "patch" | "minor" | "major";

/** The JSON that `changeset status --output <file>` writes (the fields read here). */
export interface ReleasePlan {
  changesets: { id: string; summary: string; releases: { name: string; type: Bump }[] }[];
  releases: { name: string; type: Bump; oldVersion: string; newVersion: string; changesets: string[] }[];
}

/** A workspace package as its package.json says before `changeset version`. */
export interface WorkspacePackage {
  name: string;
  version: string;
  isPrivate: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const RANK: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };
const PUBLISHED_DEPENDENCY_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies"] as const;

/**
 * The range a published manifest carries for `spec`, given the dependency's version when the
 * dependent was packed: what `pnpm pack` writes for each `workspace:` form.
 * @throws {TypeError} when the result is not a semver range
 */
export function publishedRange(spec: string, dependencyVersion: string): string {
  let range = spec;
  if (spec.startsWith("workspace:")) {
    const rest = spec.slice("workspace:".length);
    if (rest === "*") range = dependencyVersion;
    else if (rest === "^" || rest === "~") range = `${rest}${dependencyVersion}`;
    else range = rest;
  }
  if (semver.validRange(range) === null) throw new TypeError(`"${spec}" does not give a semver range (got "${range}")`);
  return range;
}

/** The largest bump among `bumps` (`none` for an empty list). */
export function largestBump(bumps: Iterable<Bump>): Bump {
  let largest: Bump = "none";
  for (const bump of bumps) if (RANK[bump] > RANK[largest]) largest = bump;
  return largest;
}

/** Problems with `plan` for `packages` (empty when the plan is what the changesets ask for). */
export function checkReleasePlan(plan: ReleasePlan, packages: readonly WorkspacePackage[]): string[] {
  return [...checkBumps(plan), ...checkRanges(plan, packages)];
}

/** A planned bump larger than the package's largest changeset (or than `patch` without one). */
function checkBumps(plan: ReleasePlan): string[] {
  const asked = new Map<string, Bump[]>();
  for (const changeset of plan.changesets) {
    for (const { name, type } of changeset.releases) asked.set(name, [...(asked.get(name) ?? []), type]);
  }
  const problems: string[] = [];
  for (const release of plan.releases) {
    if (release.type === "none") continue;
    const own = asked.get(release.name);
    const allowed = own ? largestBump(own) : "patch";
    if (RANK[release.type] > RANK[allowed]) {
      const why = own ? `its largest changeset says ${allowed}` : "no changeset names it (a dependency update is a patch)";
      problems.push(`${release.name} is planned ${release.type} (${release.oldVersion} -> ${release.newVersion}) but ${why}`);
    }
  }
  return problems;
}

/**
 * A published range that will not accept the dependency's new version. A dependent that is not
 * re-released keeps the range it was packed with (against the dependency's old version).
 */
function checkRanges(plan: ReleasePlan, packages: readonly WorkspacePackage[]): string[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const released = new Map(plan.releases.filter((r) => r.type !== "none").map((r) => [r.name, r]));
  const problems: string[] = [];
  for (const dependent of packages) {
    if (dependent.isPrivate) continue;
    const isReleased = released.has(dependent.name);
    const dependentVersion = released.get(dependent.name)?.newVersion ?? dependent.version;
    for (const field of PUBLISHED_DEPENDENCY_FIELDS) {
      for (const [name, spec] of Object.entries(dependent[field] ?? {})) {
        const dependency = byName.get(name);
        if (!dependency) continue; // from the registry: not ours to plan
        if (dependency.isPrivate) {
          problems.push(`${dependent.name} lists the private ${name} in ${field}: it can never be installed`);
          continue;
        }
        const next = released.get(name)?.newVersion ?? dependency.version;
        const range = publishedRange(spec, isReleased ? next : dependency.version);
        if (!semver.satisfies(next, range)) {
          const state = isReleased ? `${dependentVersion}` : `${dependentVersion}, not re-released`;
          problems.push(`${dependent.name}@${state} has ${field} ${name}: "${range}", which ${name}@${next} does not satisfy`);
        }
      }
    }
  }
  return problems;
}
