// A small, strict XML reader for tests: elements, attributes, text and the five predefined entities.
// Independent of the serializer under test, so the comparisons check the wire text, not our own model.

/** One parsed element. */
export interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === "#") return String.fromCodePoint(entity[1] === "x" || entity[1] === "X" ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)));
    const named = ENTITIES[entity];
    if (named === undefined) throw new Error(`unknown entity ${whole}`);
    return named;
  });
}

/** Parses a document; throws on anything malformed (unclosed or mismatched tags, stray text at the root). */
export function parseXml(xml: string): XmlNode {
  let rest = xml.replace(/^\s*<\?xml[^?]*\?>\s*/, "");
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  while (rest.length) {
    const lt = rest.indexOf("<");
    if (lt === -1) throw new Error("text after the root element");
    if (lt > 0) {
      const text = rest.slice(0, lt);
      if (stack.length === 0) {
        if (text.trim()) throw new Error("text outside the root element");
      } else stack[stack.length - 1]!.text += decode(text);
      rest = rest.slice(lt);
      continue;
    }
    const close = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(rest);
    if (close) {
      const node = stack.pop();
      if (!node || node.name !== close[1]) throw new Error(`mismatched </${close[1]}>`);
      rest = rest.slice(close[0].length);
      continue;
    }
    const open = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(rest);
    if (!open) throw new Error(`malformed markup at ${JSON.stringify(rest.slice(0, 40))}`);
    const attributes: Record<string, string> = {};
    for (const match of open[2]!.matchAll(/([A-Za-z_][\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      if (match[1]! in attributes) throw new Error(`duplicate attribute ${match[1]}`);
      attributes[match[1]!] = decode(match[2] ?? match[3] ?? "");
    }
    const node: XmlNode = { name: open[1]!, attributes, children: [], text: "" };
    if (stack.length) stack[stack.length - 1]!.children.push(node);
    else if (root) throw new Error("two root elements");
    else root = node;
    if (!open[3]) stack.push(node);
    rest = rest.slice(open[0].length);
  }
  if (stack.length || !root) throw new Error("unclosed element");
  return root;
}

/** `{ Sid: "SM…", Price: null, SubresourceUris: { Media: "…" } }`: a node's children as plain values (order-free). */
export function valuesOf(node: XmlNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const child of node.children) {
    out[child.name] = child.children.length ? valuesOf(child) : child.text === "" ? null : child.text.trim();
  }
  return out;
}
