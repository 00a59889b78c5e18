// A small XML reader for TwiML replies. @twilio-kit/twiml owns the public parser; this module is
// the sandbox's single integration point (`parseTwiml` → node tree with line/column) so it can
// switch to that package's `parseTwiml` without touching the interpreters.

/** One element of a TwiML document. */
export interface TwimlNode {
  type: string;
  attributes: Record<string, string>;
  /** Concatenated text content of the element itself (not of its children). */
  text: string;
  children: TwimlNode[];
  line: number;
  column: number;
}

/** Malformed XML, with the 1-based position of the problem. */
export class TwimlParseError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(`${message} at line ${line}, column ${column}`);
    this.name = "TwimlParseError";
    this.line = line;
    this.column = column;
  }
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(text: string, at: () => [number, number]): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);?/g, (whole, name: string) => {
    if (!whole.endsWith(";")) {
      const [line, column] = at();
      throw new TwimlParseError(`unterminated entity ${JSON.stringify(whole)}`, line, column);
    }
    if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    const value = ENTITIES[name];
    if (value === undefined) {
      const [line, column] = at();
      throw new TwimlParseError(`unknown entity &${name};`, line, column);
    }
    return value;
  });
}

/**
 * Parses a TwiML document into its root element.
 * @throws TwimlParseError on malformed XML or when the root is not `<Response>`
 */
export function parseTwiml(xml: string): TwimlNode {
  let i = 0;
  const length = xml.length;
  const position = (index: number): [number, number] => {
    let line = 1;
    let column = 1;
    for (let k = 0; k < index && k < length; k++) {
      if (xml.charCodeAt(k) === 10) {
        line++;
        column = 1;
      } else column++;
    }
    return [line, column];
  };
  const fail = (message: string, index = i): never => {
    const [line, column] = position(index);
    throw new TwimlParseError(message, line, column);
  };

  const stack: TwimlNode[] = [];
  let root: TwimlNode | undefined;
  if (xml.charCodeAt(0) === 0xfeff) i = 1;
  while (i < length) {
    const lt = xml.indexOf("<", i);
    const textEnd = lt === -1 ? length : lt;
    if (textEnd > i) {
      const raw = xml.slice(i, textEnd);
      const top = stack[stack.length - 1];
      if (top) {
        const start = i;
        top.text += decodeEntities(raw, () => position(start));
      } else if (raw.trim()) fail("text outside the root element");
    }
    if (lt === -1) break;
    i = lt;
    if (xml.startsWith("<?", i)) {
      const end = xml.indexOf("?>", i);
      if (end === -1) fail("unterminated processing instruction");
      i = end + 2;
    } else if (xml.startsWith("<!--", i)) {
      const end = xml.indexOf("-->", i);
      if (end === -1) fail("unterminated comment");
      i = end + 3;
    } else if (xml.startsWith("<![CDATA[", i)) {
      const end = xml.indexOf("]]>", i);
      if (end === -1) fail("unterminated CDATA section");
      const top = stack[stack.length - 1];
      if (!top) fail("CDATA outside the root element");
      top!.text += xml.slice(i + 9, end);
      i = end + 3;
    } else if (xml.startsWith("<!", i)) {
      fail("DOCTYPE and declarations are not allowed in TwiML");
    } else if (xml.startsWith("</", i)) {
      const match = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(xml.slice(i, i + 256));
      if (!match) fail("malformed closing tag");
      const top = stack.pop();
      if (!top || top.type !== match![1]) fail(`unexpected </${match![1]}>${top ? `, expected </${top.type}>` : ""}`);
      i += match![0].length;
    } else {
      const tagStart = i;
      const nameMatch = /^<([A-Za-z_][\w.-]*)/.exec(xml.slice(i, i + 256));
      if (!nameMatch) fail("malformed start tag");
      i += nameMatch![0].length;
      const attributes: Record<string, string> = {};
      for (;;) {
        while (i < length && /\s/.test(xml[i]!)) i++;
        if (xml.startsWith("/>", i) || xml[i] === ">") break;
        if (i >= length) fail("unterminated start tag", tagStart);
        const attr = /^([A-Za-z_:][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(xml.slice(i, i + 65536));
        if (!attr) fail("malformed attribute");
        const name = attr![1]!;
        if (name in attributes) fail(`duplicate attribute ${name}`);
        const at = i;
        attributes[name] = decodeEntities(attr![3] ?? attr![4] ?? "", () => position(at));
        i += attr![0].length;
      }
      const [line, column] = position(tagStart);
      const node: TwimlNode = { type: nameMatch![1]!, attributes, text: "", children: [], line, column };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(node);
      else if (root) fail("more than one root element", tagStart);
      else root = node;
      if (xml.startsWith("/>", i)) i += 2;
      else {
        i += 1;
        stack.push(node);
      }
    }
  }
  if (stack.length) fail(`unclosed <${stack[stack.length - 1]!.type}>`, length);
  if (!root) fail("empty document", 0);
  if (root!.type !== "Response") {
    throw new TwimlParseError(`the root element is <${root!.type}>, expected <Response>`, root!.line, root!.column);
  }
  return root!;
}
