// Serialisation byte-compatible with twilio-node's builders (xmlbuilder 13 with Twilio's attValue override).

/** An element being built. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  text: string | undefined;
  children: XmlElement[];
}

// XML 1.0 forbids these code points; xmlbuilder throws on them in text, so do we (and in attributes too).
const illegalChars = /[\0-\x08\x0B\f\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

function assertLegal(value: string): string {
  const match = illegalChars.exec(value);
  if (match) throw new TypeError(`[@twilio-kit/twiml] character not allowed in XML at index ${match.index}`);
  return value;
}

/** Escape text content exactly as xmlbuilder does (`&`, `<`, `>`, CR). */
export function escapeText(value: string): string {
  return assertLegal(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#xD;");
}

/** Escape an attribute value exactly as xmlbuilder does (`&`, `<`, `"`, tab, LF, CR; not `>`). */
export function escapeAttribute(value: string): string {
  return assertLegal(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/"/g, "&quot;")
    .replace(/\t/g, "&#x9;")
    .replace(/\n/g, "&#xA;")
    .replace(/\r/g, "&#xD;");
}

/** An attribute value as twilio-node renders it: lists space-joined, everything else stringified. */
export type AttributeValue = string | number | boolean | readonly (string | number)[] | null | undefined;

/** Create an element; `undefined`/`null` attributes are dropped, as xmlbuilder does. */
export function element(name: string, attributes: Readonly<Record<string, AttributeValue>> | undefined, text?: string): XmlElement {
  const rendered: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null) continue;
    rendered[key] = assertLegal(Array.isArray(value) ? value.join(" ") : String(value));
  }
  // Empty text renders as a self-closing tag in xmlbuilder; keep that.
  // Checked here, not at render time, so the error points at the offending call.
  return { name, attributes: rendered, text: text === undefined || text === "" ? undefined : assertLegal(String(text)), children: [] };
}

/** Serialise an element tree (no declaration). */
export function render(node: XmlElement): string {
  let out = "<" + node.name;
  for (const [key, value] of Object.entries(node.attributes)) out += ` ${key}="${escapeAttribute(value)}"`;
  if (node.text === undefined && node.children.length === 0) return out + "/>";
  out += ">";
  if (node.text !== undefined) out += escapeText(node.text);
  for (const child of node.children) out += render(child);
  return out + "</" + node.name + ">";
}

/** The declaration twilio-node writes before `<Response>`. */
export const xmlDeclaration = '<?xml version="1.0" encoding="UTF-8"?>';
