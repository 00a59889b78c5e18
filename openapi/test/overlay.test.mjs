import assert from "node:assert/strict";
import { test } from "node:test";
import { applyOverlay } from "../scripts/load.mjs";

const spec = () => ({ paths: { "/v1/X": { post: { parameters: [{ name: "A" }] } } } });

test("replaces, adds and removes by JSON pointer", () => {
  const patched = applyOverlay(
    spec(),
    [
      { op: "replace", path: "/paths/~1v1~1X/post/parameters/0/name", value: "B", reason: "r" },
      { op: "add", path: "/paths/~1v1~1X/post/parameters/-", value: { name: "C" }, reason: "r" },
      { op: "add", path: "/paths/~1v1~1X/post/deprecated", value: true, reason: "r" },
      { op: "remove", path: "/paths/~1v1~1X/post/parameters/0", reason: "r" },
    ],
    "t",
  );
  assert.deepEqual(patched.paths["/v1/X"].post, { parameters: [{ name: "C" }], deprecated: true });
});

test("fails loudly when a path no longer exists", () => {
  assert.throws(() => applyOverlay(spec(), [{ op: "replace", path: "/paths/~1v1~1Y/post", value: 1, reason: "r" }], "t"), /does not exist/);
  assert.throws(() => applyOverlay(spec(), [{ op: "remove", path: "/paths/~1v1~1X/get", reason: "r" }], "t"), /cannot remove/);
});

test("requires a reason for every change", () => {
  assert.throws(() => applyOverlay(spec(), [{ op: "add", path: "/x", value: 1 }], "t"), /reason/);
});

test("rejects unsupported operations", () => {
  assert.throws(() => applyOverlay(spec(), [{ op: "move", path: "/paths", reason: "r" }], "t"), /unsupported/);
});
