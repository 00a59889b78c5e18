// The facts every results file starts with: when and on what.
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

export function machine() {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? model;
  } catch {}
  return {
    date: new Date().toISOString(),
    cpus: cpus().length,
    model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

export function machineMarkdown() {
  const m = machine();
  return `Date: ${m.date}  \nMachine: ${m.cpus} × ${m.model}, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}\n`;
}
