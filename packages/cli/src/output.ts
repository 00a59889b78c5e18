// Output formats. Lists are streamed item by item in every format (a json array is written as it
// goes), so `--no-limit` over a million records keeps memory flat; tables buffer one screenful to
// size their columns.
import { stringFlag, type FlagValues } from "./args.js";
import { usageError } from "./errors.js";
import type { Io } from "./io.js";

/** An output format. */
export type Format = "table" | "json" | "ndjson" | "csv";

const FORMATS: readonly Format[] = ["table", "json", "ndjson", "csv"];

/** What a command knows about its output. */
export interface OutputOptions {
  format: Format;
  /** Explicit columns (`--properties`). */
  properties: string[] | undefined;
}

/**
 * Reads `-o` and `--properties`; table is the default on a TTY, json otherwise.
 * @throws CliError (usage) on an unknown format.
 */
export function outputOptions(flags: FlagValues, io: Io): OutputOptions {
  const raw = stringFlag(flags, "output");
  if (raw !== undefined && !FORMATS.includes(raw as Format)) {
    throw usageError(`unknown output format ${JSON.stringify(raw)}`, `use one of: ${FORMATS.join(", ")}`);
  }
  const format = (raw as Format | undefined) ?? (io.isOutTty ? "table" : "json");
  const props = stringFlag(flags, "properties");
  const properties = props ? props.split(",").map((p) => p.trim()).filter(Boolean) : undefined;
  return { format, properties };
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function csvCell(value: unknown): string {
  const text = cell(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Columns: --properties, else the spec's defaults, else the first scalar fields. */
function columnsFor(item: unknown, options: OutputOptions, defaults: readonly string[] | undefined): string[] {
  if (options.properties) return options.properties;
  const record = (item ?? {}) as Record<string, unknown>;
  // The spec's columns even when a value is absent (null fields, older API versions): stable columns.
  if (defaults?.length) return [...defaults];
  const scalars = Object.keys(record).filter((k) => record[k] === null || typeof record[k] !== "object");
  const sidFirst = scalars.includes("sid") ? ["sid", ...scalars.filter((k) => k !== "sid")] : scalars;
  return sidFirst.slice(0, options.format === "csv" ? sidFirst.length : 6);
}

function bold(io: Io, text: string): string {
  return io.color ? `\u001b[1m${text}\u001b[22m` : text;
}

const TABLE_CHUNK = 50;

async function writeTable(io: Io, rows: unknown[], columns: string[], widths: number[], withHeader: boolean): Promise<void> {
  const lines: string[] = [];
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  if (withHeader) lines.push(bold(io, line(columns.map((c) => c.toUpperCase()))));
  for (const row of rows) {
    const record = (row ?? {}) as Record<string, unknown>;
    lines.push(line(columns.map((c) => cell(record[c]).replace(/\s+/g, " "))));
  }
  await io.out(`${lines.join("\n")}\n`);
}

function widthsOf(rows: unknown[], columns: string[]): number[] {
  return columns.map((c) =>
    Math.min(60, Math.max(c.length, ...rows.map((r) => cell((r as Record<string, unknown>)?.[c]).length))),
  );
}

/** Prints one resource (fetch, create, update). */
export async function printOne(io: Io, item: unknown, options: OutputOptions, defaults?: readonly string[]): Promise<void> {
  if (item === undefined) return;
  switch (options.format) {
    case "json":
      return io.out(`${JSON.stringify(item, null, 2)}\n`);
    case "ndjson":
      return io.out(`${JSON.stringify(item)}\n`);
    case "csv": {
      const columns = columnsFor(item, options, defaults);
      const record = item as Record<string, unknown>;
      return io.out(`${columns.map(csvCell).join(",")}\n${columns.map((c) => csvCell(record[c])).join(",")}\n`);
    }
    case "table": {
      const columns = columnsFor(item, options, defaults);
      return writeTable(io, [item], columns, widthsOf([item], columns), true);
    }
  }
}

/** Prints the items of a list as they arrive. Returns how many were printed. */
export async function printList(io: Io, items: AsyncIterable<unknown>, options: OutputOptions, defaults?: readonly string[]): Promise<number> {
  let count = 0;
  switch (options.format) {
    case "json": {
      for await (const item of items) {
        const text = JSON.stringify(item, null, 2).replace(/\n/g, "\n  ");
        await io.out(`${count++ === 0 ? "[\n  " : ",\n  "}${text}`);
      }
      await io.out(count === 0 ? "[]\n" : "\n]\n");
      return count;
    }
    case "ndjson": {
      for await (const item of items) {
        count++;
        await io.out(`${JSON.stringify(item)}\n`);
      }
      return count;
    }
    case "csv": {
      let columns: string[] | undefined;
      for await (const item of items) {
        if (!columns) {
          columns = columnsFor(item, options, defaults);
          await io.out(`${columns.map(csvCell).join(",")}\n`);
        }
        count++;
        const record = item as Record<string, unknown>;
        await io.out(`${columns.map((c) => csvCell(record[c])).join(",")}\n`);
      }
      if (!columns && options.properties) await io.out(`${options.properties.map(csvCell).join(",")}\n`);
      return count;
    }
    case "table": {
      let columns: string[] | undefined;
      let widths: number[] = [];
      let buffer: unknown[] = [];
      const flush = async () => {
        if (buffer.length === 0) return;
        const isFirst = !columns;
        columns ??= columnsFor(buffer[0], options, defaults);
        if (isFirst) widths = widthsOf(buffer, columns);
        await writeTable(io, buffer, columns, widths, isFirst);
        buffer = [];
      };
      for await (const item of items) {
        count++;
        buffer.push(item);
        if (buffer.length >= TABLE_CHUNK) await flush();
      }
      await flush();
      if (count === 0) io.err("(no items)\n");
      return count;
    }
  }
}
