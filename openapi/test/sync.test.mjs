import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { verifyIntegrity } from "../scripts/sync.mjs";
import { readTar } from "../scripts/tar.mjs";

test("accepts bytes that match the pinned integrity", () => {
  const bytes = Buffer.from("spec bytes");
  verifyIntegrity(bytes, `sha512-${createHash("sha512").update(bytes).digest("base64")}`);
});

test("refuses bytes that do not match, naming both hashes", () => {
  const integrity = `sha512-${createHash("sha512").update("other").digest("base64")}`;
  assert.throws(() => verifyIntegrity(Buffer.from("tampered"), integrity), /integrity mismatch.*expected sha512-.*got sha512-/s);
});

test("reads regular files out of a ustar archive", () => {
  const header = Buffer.alloc(512);
  header.write("package/src/a.json", 0);
  header.write("0000644\0", 100);
  header.write(`${(7).toString(8).padStart(11, "0")}\0`, 124);
  header.write("0", 156);
  const data = Buffer.alloc(512);
  data.write('{"a":1}');
  const archive = Buffer.concat([header, data, Buffer.alloc(1024)]);
  const entries = readTar(archive);
  assert.equal(entries.length, 1);
  assert.equal(entries[0].name, "package/src/a.json");
  assert.equal(entries[0].data.toString(), '{"a":1}');
});
