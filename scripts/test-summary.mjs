#!/usr/bin/env node
// Reads the log of `npm test` on stdin and prints one closing line with the totals of every test
// runner in it (vitest's "Tests  N passed | M failed", node:test's "# pass N" / "# fail N").
let log = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (log += chunk));
process.stdin.on("end", () => {
  const plain = log.replace(/\x1b\[[0-9;]*m/g, "");
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const line of plain.split("\n")) {
    const vitest = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
    if (vitest) {
      passed += Number(/(\d+) passed/.exec(vitest[1])?.[1] ?? 0);
      failed += Number(/(\d+) failed/.exec(vitest[1])?.[1] ?? 0);
      skipped += Number(/(\d+) skipped/.exec(vitest[1])?.[1] ?? 0);
    }
    const nodePass = /# pass (\d+)\s*$/.exec(line);
    if (nodePass) passed += Number(nodePass[1]);
    const nodeFail = /# fail (\d+)\s*$/.exec(line);
    if (nodeFail) failed += Number(nodeFail[1]);
  }
  console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
});
