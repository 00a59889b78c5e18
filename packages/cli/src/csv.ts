// A small RFC 4180 CSV reader: quoted fields, doubled quotes, CRLF or LF, a BOM. Enough for a
// recipients file; no dependency.

/**
 * Parses CSV text into rows of fields.
 * @throws Error on an unterminated quoted field.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let inQuotes = false;
  let wasQuoted = false;
  for (; i < text.length; i++) {
    const char = text[i]!;
    if (inQuotes) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += char;
      continue;
    }
    if (char === '"' && field === "" && !wasQuoted) {
      inQuotes = true;
      wasQuoted = true;
    } else if (char === ",") {
      row.push(field);
      field = "";
      wasQuoted = false;
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      if (row.length > 1 || row[0] !== "") rows.push(row);
      row = [];
      field = "";
      wasQuoted = false;
    } else field += char;
  }
  if (inQuotes) throw new Error("unterminated quoted field at the end of the file");
  row.push(field);
  if (row.length > 1 || row[0] !== "") rows.push(row);
  return rows;
}
