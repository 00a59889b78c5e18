// A throwaway clone of this repository's committed tree, and the tools a release runs in it
// (changesets, pnpm), with the environment of a user's shell rather than the one turbo gives tests.
import { execFileSync, type ExecFileSyncOptions } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WorkspacePackage } from "./plan.js";

/** The root of the repository these tests belong to. */
export const repository = execFileSync("git", ["rev-parse", "--show-toplevel"], {
  cwd: new URL(".", import.meta.url),
  encoding: "utf8",
}).trim();

const changesetsBin = join(createRequire(join(repository, "package.json")).resolve("@changesets/cli/package.json"), "..", "bin.js");
const { packageManager } = JSON.parse(readFileSync(join(repository, "package.json"), "utf8")) as { packageManager: string };

/**
 * The environment of a user's shell: without what `pnpm test`/turbo add (npm_*, TURBO_*, PNPM_*
 * variables, node_modules/.bin on PATH), which would tie the clone to this workspace's run.
 */
export function userEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { CI: "1", GIT_AUTHOR_NAME: "rehearsal", GIT_AUTHOR_EMAIL: "rehearsal@localhost" };
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|TURBO_|PNPM_)/i.test(name)) continue;
    env[name] = value;
  }
  env.GIT_COMMITTER_NAME = env.GIT_AUTHOR_NAME;
  env.GIT_COMMITTER_EMAIL = env.GIT_AUTHOR_EMAIL;
  const separator = process.platform === "win32" ? ";" : ":";
  env.PATH = (process.env.PATH ?? "")
    .split(separator)
    .filter((dir) => !/node_modules[\\/]\.bin/.test(dir))
    .join(separator);
  return env;
}

/** Runs a command in `cwd` with the user's environment; its output, or an error carrying it. */
export function run(command: string, args: readonly string[], cwd: string, options: ExecFileSyncOptions = {}): string {
  try {
    return execFileSync(command, args, { cwd, env: userEnvironment(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20, ...options }) as string;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${`${stdout}\n${stderr}`.trim().slice(-4000)}`);
  }
}

/** The workspace's own changesets CLI (the root devDependency), run in `cwd`. */
export function changeset(args: readonly string[], cwd: string): string {
  return run(process.execPath, [changesetsBin, ...args], cwd);
}

/** The pinned pnpm (`packageManager`), run in `cwd` through npx like scripts/pnpm.mjs. */
export function pnpm(args: readonly string[], cwd: string): string {
  return run(process.platform === "win32" ? "npx.cmd" : "npx", ["-y", packageManager, ...args], cwd);
}

/** A fresh clone of the committed tree on a `main` branch (changesets' base branch). */
export interface Clone {
  dir: string;
  remove(): void;
}

/** Clones HEAD into a temp folder (hard-linked objects: fast) and checks it out as `main`. */
export function cloneRepository(prefix: string): Clone {
  const workdir = mkdtempSync(join(tmpdir(), prefix));
  const dir = join(workdir, "twilio-kit");
  run("git", ["clone", "--quiet", repository, dir], workdir);
  run("git", ["checkout", "--quiet", "-B", "main"], dir);
  return { dir, remove: () => rmSync(workdir, { recursive: true, force: true }) };
}

/** Commits everything in the clone, so the next changesets command sees a clean tree. */
export function commitAll(dir: string, message: string): void {
  run("git", ["add", "-A"], dir);
  run("git", ["commit", "--quiet", "--allow-empty", "-m", message], dir);
}

/** The folders `pnpm-workspace.yaml` lists (`dir/*` globs and plain folders; no other glob forms). */
export function workspaceFolders(dir: string): string[] {
  const yaml = readFileSync(join(dir, "pnpm-workspace.yaml"), "utf8");
  const block = yaml.split(/^packages:\s*$/m)[1]?.split(/^\S/m)[0] ?? "";
  const patterns = [...block.matchAll(/^\s+-\s+["']?([^"'\s#]+)["']?/gm)].map((m) => m[1]!);
  if (patterns.length === 0) throw new Error("pnpm-workspace.yaml lists no packages");
  return patterns.flatMap((pattern) => {
    if (!pattern.endsWith("/*")) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(dir, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(dir, parent, entry.name, "package.json")))
      .map((entry) => `${parent}/${entry.name}`);
  });
}

/** Every workspace package of the checkout at `dir`, with the fields a release plan is checked on. */
export function readWorkspacePackages(dir: string): (WorkspacePackage & { folder: string })[] {
  return workspaceFolders(dir).map((folder) => {
    const manifest = JSON.parse(readFileSync(join(dir, folder, "package.json"), "utf8")) as Record<string, unknown>;
    return {
      folder,
      name: manifest.name as string,
      version: manifest.version as string,
      isPrivate: manifest.private === true,
      dependencies: manifest.dependencies as Record<string, string> | undefined,
      peerDependencies: manifest.peerDependencies as Record<string, string> | undefined,
      optionalDependencies: manifest.optionalDependencies as Record<string, string> | undefined,
    };
  });
}
