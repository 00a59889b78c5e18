// Twilio's `<TwilioResponse>` XML, written from the same wire objects the JSON answers carry.
// Facts (docs' "Twilio API responses" page and real responses quoted in public issues, see README):
// `<?xml version='1.0' encoding='UTF-8'?>` then `<TwilioResponse>` with one child: the resource
// (`<Message>`), a list with paging attributes (`<Messages page="0" pagesize="50" uri=… firstpageuri=…
// previouspageuri="" nextpageuri=…>`), or `<RestException>`; fields as PascalCase elements, null as an
// empty element (`<DateSent/>`), arrays as repeated singular children (`<Flags><Flag>…`), and URIs
// without the `.json` extension (`<Uri>/2010-04-01/Accounts/AC…/Messages/SM…</Uri>`).
import { attributeName, pascalCase, singular } from "./names.js";

/** What a body is: one resource, a v2010 list page, or an error. */
export type XmlShape =
  | { kind: "resource"; name: string }
  | { kind: "list"; listKey: string; itemName: string }
  | { kind: "error" };

const PROLOG = "<?xml version='1.0' encoding='UTF-8'?>\n";
// `/2010-04-01/…/Messages/SM….json?Page=1` → `/2010-04-01/…/Messages/SM…?Page=1`
const V2010_JSON_URI = /^(\/2010-04-01\/[^?#\s]*)\.json(?=$|[?#])/;

/** Serializes a wire body as Twilio's XML representation. */
export function toTwilioXml(body: unknown, shape: XmlShape): string {
  const parts: string[] = [PROLOG, "<TwilioResponse>"];
  if (shape.kind === "error") {
    writeElement(parts, "RestException", body, 0);
  } else if (shape.kind === "resource") {
    writeElement(parts, shape.name, body, 0);
  } else {
    writeList(parts, body as Record<string, unknown>, shape.listKey, shape.itemName);
  }
  parts.push("</TwilioResponse>");
  return parts.join("");
}

function writeList(parts: string[], page: Record<string, unknown>, listKey: string, itemName: string): void {
  const listName = pascalCase(listKey);
  let attributes = "";
  for (const key of Object.keys(page)) {
    if (key === listKey) continue;
    const value = page[key];
    // paging fields are scalars; a null (no next page) is an empty attribute, as Twilio writes it
    const text = value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
    attributes += ` ${attributeName(key)}="${escapeAttribute(stripJson(text))}"`;
  }
  const items = Array.isArray(page[listKey]) ? (page[listKey] as unknown[]) : [];
  if (items.length === 0) {
    parts.push(`<${listName}${attributes}/>`);
    return;
  }
  parts.push(`<${listName}${attributes}>`);
  for (const item of items) writeElement(parts, itemName, item, 1);
  parts.push(`</${listName}>`);
}

// depth bounds recursion on free-form objects (a Policy, Params maps); wire objects nest 3 levels at most
const MAX_DEPTH = 32;

function writeElement(parts: string[], name: string, value: unknown, depth: number): void {
  if (value === null || value === undefined || depth > MAX_DEPTH) {
    parts.push(`<${name}/>`);
  } else if (Array.isArray(value)) {
    if (value.length === 0) {
      parts.push(`<${name}/>`);
      return;
    }
    const itemName = singular(name) === name ? `${name}Item` : singular(name);
    parts.push(`<${name}>`);
    for (const item of value) writeElement(parts, itemName, item, depth + 1);
    parts.push(`</${name}>`);
  } else if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) {
      parts.push(`<${name}/>`);
      return;
    }
    parts.push(`<${name}>`);
    for (const [key, child] of entries) writeElement(parts, pascalCase(key), child, depth + 1);
    parts.push(`</${name}>`);
  } else {
    const text = escapeText(stripJson(String(value)));
    parts.push(text === "" ? `<${name}/>` : `<${name}>${text}</${name}>`);
  }
}

/** Drops the `.json` of a v2010 URI: XML answers link to the extension-less (XML) form. */
export function stripJson(value: string): string {
  return value.charCodeAt(0) === 47 ? value.replace(V2010_JSON_URI, "$1") : value;
}

// characters XML 1.0 cannot carry at all (C0 controls except tab, LF, CR; lone surrogates; U+FFFE/F)
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes element text (`&`, `<`, `>`) and drops characters XML cannot represent. */
export function escapeText(value: string): string {
  return value.replace(INVALID_XML, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, "&quot;");
}
