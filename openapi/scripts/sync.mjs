#!/usr/bin/env node
// Fetches the pinned @twilio/cli-core tarball straight from the npm registry (no dependency tree),
// checks its sha512 integrity against openapi.lock.json and extracts the spec files to openapi/specs/.
// A second run is a no-op when the stamp matches the lock.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { readTar } from "./tar.mjs";

const here = new URL("..", import.meta.url);
const lock = JSON.parse(readFileSync(new URL("openapi.lock.json", here), "utf8"));
const specsDir = new URL("specs/", here);
const stampFile = new URL("specs/.stamp", here);

/** The registry npm is configured for, so mirrors and proxies keep working. */
function registryUrl() {
  const configured = process.env.npm_config_registry || "https://registry.npmjs.org/";
  return configured.endsWith("/") ? configured : `${configured}/`;
}

function tarballUrl() {
  const bare = lock.package.split("/").pop();
  return `${registryUrl()}${lock.package}/-/${bare}-${lock.version}.tgz`;
}

async function download(url) {
  let lastError;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
      if (!response.ok) throw new Error(`GET ${url} answered ${response.status} ${response.statusText}`);
      return Buffer.from(await response.arrayBuffer());
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
  throw new Error(`could not download ${url}: ${lastError?.message ?? lastError}`);
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
  const bytes = await download(tarballUrl());
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
