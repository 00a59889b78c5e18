#!/usr/bin/env node
// Fetches the pinned @twilio/cli-core tarball from the npm registry (the tarball only, no dependency tree),
// checks its sha512 integrity against openapi.lock.json and extracts the spec files to openapi/specs/.
// A second run is a no-op when the stamp matches the lock.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { readTar } from "./tar.mjs";

const here = new URL("..", import.meta.url);
const lock = JSON.parse(readFileSync(new URL("openapi.lock.json", here), "utf8"));
const specsDir = new URL("specs/", here);
const stampFile = new URL("specs/.stamp", here);

/**
 * Downloads the tarball alone (no dependency tree) with `npm pack`, so npm's registry settings,
 * proxy, certificates, cache and retries all apply; a warm cache makes this work offline.
 */
function download() {
  const spec = `${lock.package}@${lock.version}`;
  const dir = mkdtempSync(join(tmpdir(), "twilio-kit-openapi-"));
  try {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const output = execFileSync(npm, ["pack", spec, "--json", "--pack-destination", dir, "--loglevel=error"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    const [{ filename }] = JSON.parse(output);
    return readFileSync(join(dir, filename));
  } catch (error) {
    throw new Error(`could not download ${spec} with npm pack: ${error.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Throws unless `bytes` hash to the SRI `integrity` string (`sha512-…`). */
export function verifyIntegrity(bytes, integrity = lock.integrity) {
  const [algorithm, expected] = integrity.split(/-(.*)/s);
  const actual = createHash(algorithm).update(bytes).digest("base64");
  if (actual !== expected) {
    throw new Error(
      `integrity mismatch for ${lock.package}@${lock.version}: expected ${integrity}, ` +
        `got ${algorithm}-${actual}. Refusing to use these specs; update openapi.lock.json only on purpose.`,
    );
  }
}

export async function sync({ quiet = false } = {}) {
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === lock.integrity) {
    if (!quiet) console.log(`openapi: specs of ${lock.package}@${lock.version} are up to date`);
    return;
  }
  const bytes = download();
  verifyIntegrity(bytes);
  const pattern = new RegExp(lock.specPattern);
  const files = readTar(gunzipSync(bytes)).filter((entry) => {
    const [dir, name] = [entry.name.slice(0, entry.name.lastIndexOf("/")), entry.name.split("/").pop()];
    return dir === lock.specDir && pattern.test(name);
  });
  if (files.length !== lock.specCount) {
    throw new Error(`expected ${lock.specCount} spec files in ${lock.package}@${lock.version}, found ${files.length}`);
  }
  rmSync(specsDir, { recursive: true, force: true });
  mkdirSync(specsDir, { recursive: true });
  for (const file of files) writeFileSync(new URL(file.name.split("/").pop(), specsDir), file.data);
  writeFileSync(stampFile, `${lock.integrity}\n`);
  if (!quiet) console.log(`openapi: extracted ${files.length} specs of ${lock.package}@${lock.version}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  sync().catch((error) => {
    console.error(`openapi sync failed: ${error.message}`);
    process.exit(1);
  });
}
