// A user's project outside the workspace: tarballs installed with npm, every export imported from
// ESM and required from CJS. The same checks as pack.test.ts, shared with the release rehearsal.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The fields of a packed package.json these checks read. */
export interface PackedManifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  bin?: Record<string, string> | string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Names of the lifecycle scripts npm runs when it installs a package. */
export const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall"] as const;

/**
 * Creates a bare ESM project in `dir` and npm-installs `tarballs` (absolute paths) into it.
 * With `nativeBuildsFrom` (a pnpm workspace root), install scripts are skipped and each third-party
 * package that has one gets the build folder of the same name@version from that workspace (same
 * machine, same Node): compiling better-sqlite3 from source when no prebuilt binary can be
 * downloaded takes two minutes. Anything not found there is built by `npm rebuild`.
 */
export function installTarballs(dir: string, tarballs: readonly string[], nativeBuildsFrom?: string): void {
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  const npm = (args: string[]) => execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  npm(["install", "--prefer-offline", ...(nativeBuildsFrom ? ["--ignore-scripts"] : []), ...tarballs]);
  if (!nativeBuildsFrom) return;
  const toRebuild: string[] = [];
  for (const { name, version, path } of installedPackages(join(dir, "node_modules"))) {
    const manifest = JSON.parse(readFileSync(join(path, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    if (!INSTALL_SCRIPTS.some((script) => manifest.scripts?.[script]) && !existsSync(join(path, "binding.gyp"))) continue;
    const built = join(nativeBuildsFrom, "node_modules", ".pnpm", `${name.replace("/", "+")}@${version}`, "node_modules", name, "build");
    if (existsSync(built)) cpSync(built, join(path, "build"), { recursive: true });
    else toRebuild.push(name);
  }
  if (toRebuild.length > 0) npm(["rebuild", ...toRebuild]);
}

/** Every package folder in a flat (npm) node_modules, scoped ones included. */
function installedPackages(nodeModules: string): { name: string; version: string; path: string }[] {
  const found: { name: string; version: string; path: string }[] = [];
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith(".")) continue;
    const names = entry.startsWith("@") ? readdirSync(join(nodeModules, entry)).map((n) => `${entry}/${n}`) : [entry];
    for (const name of names) {
      const path = join(nodeModules, name);
      if (!existsSync(join(path, "package.json"))) continue;
      const { version } = JSON.parse(readFileSync(join(path, "package.json"), "utf8")) as { version: string };
      found.push({ name, version, path });
    }
  }
  return found;
}

/** Writes `source` to `file` in `dir` and runs it with this Node; its stdout. */
export function runScript(dir: string, file: string, source: string): string {
  writeFileSync(join(dir, file), source);
  return execFileSync(process.execPath, [file], { cwd: dir, encoding: "utf8" });
}

/** The import specifiers of every subpath a manifest exports (but `./package.json`). */
export function exportSpecifiers(manifest: Pick<PackedManifest, "name" | "exports">): string[] {
  return Object.keys(manifest.exports ?? {})
    .filter((subpath) => subpath !== "./package.json")
    .map((subpath) => (subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
}

/** How many names each export of `manifest` has, loaded by `import` and by `require` in `dir`. */
export function loadEveryExport(dir: string, manifest: Pick<PackedManifest, "name" | "exports">): { specifiers: string[]; esm: number[]; cjs: number[] } {
  const specifiers = exportSpecifiers(manifest);
  const list = JSON.stringify(specifiers);
  const esm = runScript(dir, "check.mjs", `const out = [];\nfor (const s of ${list}) { const m = await import(s); out.push(Object.keys(m).length); }\nconsole.log(JSON.stringify(out));`);
  const cjs = runScript(dir, "check.cjs", `console.log(JSON.stringify(${list}.map((s) => Object.keys(require(s)).length)));`);
  return { specifiers, esm: JSON.parse(esm) as number[], cjs: JSON.parse(cjs) as number[] };
}
