// CSV for v2010 list resources (`….csv`): a header row, then one row per item of the page. Twilio
// documents the representation ("a header row describing the columns") without its columns; the
// sandbox writes the item's scalar fields under their XML element names (`Sid,DateCreated,…`), in the
// JSON field order, with RFC 4180 quoting. Nested objects and arrays (`subresource_uris`) are left out:
// a cell cannot hold them, and their links are derivable from `Uri`.
import { pascalCase } from "./names.js";
import { stripJson } from "./xml.js";

/** Serializes the items of a v2010 list page as CSV (CRLF line ends, RFC 4180). */
export function toTwilioCsv(page: Record<string, unknown>, listKey: string): string {
  const items = (Array.isArray(page[listKey]) ? page[listKey] : []) as Array<Record<string, unknown>>;
  // union of scalar columns in first-seen order: items of one list share a shape, but nulls and
  // optional fields must not shift columns
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    for (const [key, value] of Object.entries(item)) {
      if (seen.has(key) || (value !== null && typeof value === "object")) continue;
      seen.add(key);
      columns.push(key);
    }
  }
  const lines = [columns.map((key) => cell(pascalCase(key))).join(",")];
  for (const item of items) {
    lines.push(columns.map((key) => {
      const value = item[key];
      return value === null || value === undefined || typeof value === "object" ? "" : cell(stripJson(String(value)));
    }).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

function cell(value: string): string {
  // a leading = + - @ would run as a formula when the file is opened in a spreadsheet: quote-prefix it
  const safe = /^[=+\-@]/.test(value) && !/^[+-]?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
