// Small formatting helpers: virtual-clock times, TwiML indentation, masking.

/** A virtual-clock time as `HH:MM:SS` (date too when not today). */
export function time(ms: number | string): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return String(ms);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay ? date.toLocaleTimeString() : date.toLocaleString();
}

/** Indents an XML document (TwiML) one element per line; anything else is returned as is. */
export function prettyXml(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith("<")) return text;
  const tokens = trimmed.replace(/>\s*</g, "><").split(/(?=<)|(?<=>)/).filter((t) => t.length > 0);
  let depth = 0;
  const lines: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.startsWith("</")) {
      depth = Math.max(0, depth - 1);
      lines.push("  ".repeat(depth) + token);
    } else if (token.startsWith("<") && !token.startsWith("<?") && !token.endsWith("/>")) {
      // an element with only text inside stays on one line: <Say>Hello</Say>
      const text = tokens[i + 1];
      const close = tokens[i + 2];
      if (text && !text.startsWith("<") && close?.startsWith("</")) {
        lines.push("  ".repeat(depth) + token + text + close);
        i += 2;
      } else {
        lines.push("  ".repeat(depth) + token);
        depth++;
      }
    } else {
      lines.push("  ".repeat(depth) + token);
    }
  }
  return lines.join("\n");
}

/** The label of a delivery's outcome. */
export function outcome(status: number | null, error: string | null): string {
  if (status === null) return error ?? "no answer";
  return String(status);
}

/** Twilio's page for an error code. */
export function errorLink(code: string | number): string {
  return `https://www.twilio.com/docs/api/errors/${code}`;
}
