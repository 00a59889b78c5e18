#!/usr/bin/env node
// Runs the pinned pnpm from `packageManager` through npx, so a machine with only Node and npm
// (no global pnpm, no corepack) can drive the workspace: `node scripts/pnpm.mjs install`.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const root = new URL("..", import.meta.url);
const { packageManager } = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
const npx = process.platform === "win32" ? "npx.cmd" : "npx";
const args = process.argv.slice(2);
// `turbo` and other workspace binaries are reached through `pnpm exec`.
const pnpmArgs = args[0] === "turbo" ? ["exec", ...args] : args;
const result = spawnSync(npx, ["-y", packageManager, ...pnpmArgs], {
  stdio: "inherit",
  cwd: root,
  env: { ...process.env, npm_config_update_notifier: "false" },
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
