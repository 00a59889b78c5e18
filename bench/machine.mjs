// The one helper every bench script shares: when and on what it ran, how busy the machine was, and
// how a list of raw runs becomes the figure a results file shows. Scripts import these instead of
// writing their own, so every results file states the same facts the same way.
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";

/** Date, CPU count and model, memory, Node version and platform of this run. */
export function machine() {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? model;
  } catch {
    // not Linux: keep what os.cpus() says
  }
  return {
    date: new Date().toISOString(),
    cpus: cpus().length,
    model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** The 1/5/15-minute load average as `"0.52 / 0.61 / 0.70"`: other jobs share the CPU, this says how much. */
export function loadAverage() {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(" / ");
}

/**
 * Starts watching the load: call the returned function at the end for the markdown line with the
 * load average at the start and at the end of the run.
 */
export function trackLoad() {
  const start = loadAverage();
  return () => `Load average (1/5/15 min): ${start} at the start, ${loadAverage()} at the end.`;
}

/** Median of a list of numbers (the lower middle for an even count); the list is not changed. */
export function median(values) {
  if (values.length === 0) throw new TypeError("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Smallest of a list of numbers. */
export function min(values) {
  if (values.length === 0) throw new TypeError("min of an empty list");
  return Math.min(...values);
}

/** The p-th percentile (0–100, nearest rank) of a list of numbers; the list is not changed. */
export function percentile(values, p) {
  if (values.length === 0) throw new TypeError("percentile of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Raw runs as one readable list, `a, b, c` with `digits` decimals, for the results file. */
export function rawRuns(values, digits = 1) {
  return values.map((value) => value.toFixed(digits)).join(", ");
}

/** The header lines of a results file: date, machine and (with `endLoad` from trackLoad) the load. */
export function machineMarkdown(endLoad) {
  const m = machine();
  const load = endLoad ? `${endLoad()}  \n` : `Load average (1/5/15 min): ${loadAverage()}  \n`;
  return `Date: ${m.date}  \nMachine: ${m.cpus} × ${m.model}, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}  \n${load}`;
}
