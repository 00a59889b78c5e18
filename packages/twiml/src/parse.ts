// A small, strict XML reader for TwiML (no DTDs, no namespaces) that checks Twilio's nesting rules.
// Hand-written: TwiML needs elements, attributes, text, comments and CDATA, not a general XML library.

/** Verbs and nouns the parser accepts. */
export type TwimlVerbName =
  | "Response"
  | "Message" | "Body" | "Media" | "Redirect"
  | "Say" | "Play" | "Pause" | "Gather" | "Dial" | "Record" | "Hangup" | "Reject" | "Enqueue" | "Leave"
  | "Connect" | "Start" | "Stop" | "Pay" | "Prompt" | "Refer" | "Echo" | "Sms"
  | "Number" | "Client" | "Sip" | "Conference" | "Queue" | "Sim" | "Application" | "ApplicationSid" | "Identity"
  | "Parameter" | "Task" | "Stream" | "Siprec" | "Transcription" | "Room" | "Conversation" | "VirtualAgent"
  | "ConversationRelay" | "Language" | "AiSession" | "Autopilot"
  // SSML inside <Say>
  | "break" | "emphasis" | "lang" | "p" | "phoneme" | "prosody" | "s" | "say-as" | "sub" | "w";

/** A parsed element. `text` is its direct text content, trimmed; `line`/`column` are 1-based, at `<`. */
export interface TwimlNode<T extends TwimlVerbName = TwimlVerbName> {
  type: T;
  attributes: Record<string, string>;
  text: string;
  children: TwimlNode[];
  line: number;
  column: number;
}

/** A parsed document: the `<Response>` element. */
export type TwimlDocument = TwimlNode<"Response">;

/** Thrown by `parseTwiml` for malformed XML, unknown verbs and verbs nested where Twilio does not allow them. */
export class TwimlParseError extends Error {
  /** 1-based line of the problem. */
  readonly line: number;
  /** 1-based column of the problem. */
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(`[@twilio-kit/twiml] ${message} at line ${line}, column ${column}`);
    this.name = "TwimlParseError";
    this.line = line;
    this.column = column;
  }
}

const ssml = ["break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "w"] as const;
const promptVerbs = ["Say", "Play", "Pause"] as const;

// Which children each element may have (https://www.twilio.com/docs/voice/twiml, /messaging/twiml).
const allowedChildren: Record<TwimlVerbName, readonly TwimlVerbName[]> = {
  Response: ["Message", "Redirect", "Say", "Play", "Pause", "Gather", "Dial", "Record", "Hangup", "Reject", "Enqueue", "Leave", "Connect", "Start", "Stop", "Pay", "Refer", "Echo", "Sms", "Queue", "Prompt"],
  Message: ["Body", "Media"],
  Gather: promptVerbs,
  Prompt: promptVerbs,
  Dial: ["Number", "Client", "Sip", "Conference", "Queue", "Sim", "Application"],
  Client: ["Identity", "Parameter"],
  Application: ["ApplicationSid", "Parameter"],
  Sip: [],
  Enqueue: ["Task"],
  Connect: ["Stream", "Room", "Conversation", "VirtualAgent", "ConversationRelay", "AiSession", "Autopilot"],
  ConversationRelay: ["Language", "Parameter"],
  VirtualAgent: ["Parameter", "Language"],
  Start: ["Stream", "Siprec", "Transcription"],
  Stop: ["Stream", "Siprec", "Transcription"],
  Stream: ["Parameter"],
  Siprec: ["Parameter"],
  Transcription: ["Parameter"],
  Pay: ["Prompt", "Parameter"],
  Refer: ["Sip"],
  Hangup: ["Parameter"],
  Reject: ["Parameter"],
  Say: ssml,
  break: [], emphasis: ssml, lang: ssml, p: ssml, phoneme: [], prosody: ssml, s: ssml, "say-as": [], sub: [], w: ssml,
  Body: [], Media: [], Redirect: [], Play: [], Pause: [], Record: [], Leave: [], Echo: [], Sms: [],
  Number: [], Conference: [], Queue: [], Sim: [], ApplicationSid: [], Identity: [], Parameter: [], Task: [],
  Room: [], Conversation: [], Language: [], AiSession: [], Autopilot: [],
};

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const nameChar = /[A-Za-z0-9_:.-]/;

/**
 * Parse a TwiML document into a tree rooted at `<Response>`.
 * @throws TwimlParseError with `line` and `column` for malformed XML, unknown verbs or bad nesting.
 * @example
 * const doc = parseTwiml('<Response><Say>Hi</Say></Response>');
 * doc.children[0]?.type; // "Say"
 */
export function parseTwiml(xml: string): TwimlDocument {
  let pos = 0;
  // Positions are computed on demand: cheap for the common (valid) case.
  const where = (at: number): [number, number] => {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < xml.length; i++) {
      if (xml.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    return [line, at - lineStart + 1];
  };
  const fail = (message: string, at = pos): never => {
    const [line, column] = where(at);
    throw new TwimlParseError(message, line, column);
  };

  const decode = (raw: string, at: number): string =>
    raw.replace(/&([^;&\s<]*);?/g, (match, name: string, offset: number) => {
      if (!match.endsWith(";")) fail("unterminated entity reference", at + offset);
      if (name.startsWith("#x") || name.startsWith("#X")) {
        const code = Number.parseInt(name.slice(2), 16);
        if (!/^[0-9a-fA-F]+$/.test(name.slice(2)) || code > 0x10ffff) fail(`invalid character reference &${name};`, at + offset);
        return String.fromCodePoint(code);
      }
      if (name.startsWith("#")) {
        const code = Number.parseInt(name.slice(1), 10);
        if (!/^[0-9]+$/.test(name.slice(1)) || code > 0x10ffff) fail(`invalid character reference &${name};`, at + offset);
        return String.fromCodePoint(code);
      }
      const value = entities[name];
      if (value === undefined) fail(`unknown entity &${name};`, at + offset);
      return value as string;
    });

  const skipMisc = (): void => {
    for (;;) {
      while (pos < xml.length && /\s/.test(xml[pos]!)) pos++;
      if (xml.startsWith("<!--", pos)) {
        const end = xml.indexOf("-->", pos + 4);
        if (end === -1) fail("unterminated comment");
        pos = end + 3;
      } else if (xml.startsWith("<?", pos)) {
        const end = xml.indexOf("?>", pos + 2);
        if (end === -1) fail("unterminated processing instruction");
        pos = end + 2;
      } else return;
    }
  };

  const readName = (): string => {
    const start = pos;
    while (pos < xml.length && nameChar.test(xml[pos]!)) pos++;
    if (pos === start) fail("expected a tag name");
    return xml.slice(start, pos);
  };

  const readElement = (parent: TwimlVerbName | undefined): TwimlNode => {
    const start = pos;
    pos++; // "<"
    const name = readName();
    if (!(name in allowedChildren)) fail(`unknown verb <${name}>`, start);
    const type = name as TwimlVerbName;
    if (parent === undefined && type !== "Response") fail(`the root element must be <Response>, not <${name}>`, start);
    if (parent !== undefined && !allowedChildren[parent].includes(type)) fail(`<${name}> is not allowed inside <${parent}>`, start);
    const [line, column] = where(start);
    const node: TwimlNode = { type, attributes: {}, text: "", children: [], line, column };

    for (;;) {
      const beforeSpace = pos;
      while (pos < xml.length && /\s/.test(xml[pos]!)) pos++;
      if (pos >= xml.length) fail(`unterminated tag <${name}>`, start);
      if (xml.startsWith("/>", pos)) {
        pos += 2;
        return node;
      }
      if (xml[pos] === ">") {
        pos++;
        break;
      }
      if (pos === beforeSpace) fail("expected whitespace between attributes");
      const attrAt = pos;
      const attr = readName();
      while (/\s/.test(xml[pos] ?? "")) pos++;
      if (xml[pos] !== "=") fail(`expected = after attribute ${attr}`);
      pos++;
      while (/\s/.test(xml[pos] ?? "")) pos++;
      const quote = xml[pos];
      if (quote !== '"' && quote !== "'") fail(`expected a quoted value for attribute ${attr}`);
      const end = xml.indexOf(quote as string, pos + 1);
      if (end === -1) fail(`unterminated value of attribute ${attr}`);
      const raw = xml.slice(pos + 1, end);
      if (raw.includes("<")) fail(`"<" is not allowed in the value of attribute ${attr}`, pos + 1 + raw.indexOf("<"));
      if (Object.hasOwn(node.attributes, attr)) fail(`duplicate attribute ${attr}`, attrAt);
      node.attributes[attr] = decode(raw, pos + 1);
      pos = end + 1;
    }

    let text = "";
    for (;;) {
      if (pos >= xml.length) fail(`missing </${name}>`, start);
      if (xml.startsWith("</", pos)) {
        const closeAt = pos;
        pos += 2;
        const closing = readName();
        if (closing !== name) fail(`expected </${name}> but found </${closing}>`, closeAt);
        while (/\s/.test(xml[pos] ?? "")) pos++;
        if (xml[pos] !== ">") fail(`expected > to close </${name}>`);
        pos++;
        node.text = text.trim();
        return node;
      }
      if (xml.startsWith("<!--", pos)) {
        const end = xml.indexOf("-->", pos + 4);
        if (end === -1) fail("unterminated comment");
        pos = end + 3;
      } else if (xml.startsWith("<![CDATA[", pos)) {
        const end = xml.indexOf("]]>", pos + 9);
        if (end === -1) fail("unterminated CDATA section");
        text += xml.slice(pos + 9, end);
        pos = end + 3;
      } else if (xml[pos] === "<") {
        node.children.push(readElement(type));
      } else {
        const next = xml.indexOf("<", pos);
        const end = next === -1 ? xml.length : next;
        const raw = xml.slice(pos, end);
        // Text is only meaningful in leaves and <Say>, <Message>, <Dial>, <Enqueue> (the queue name); elsewhere only whitespace.
        if (raw.trim() !== "" && (type === "Response" || type === "Gather" || type === "Prompt" || type === "Connect" || type === "Start" || type === "Stop" || type === "Pay" || type === "Record" || type === "Pause" || type === "Hangup" || type === "Reject" || type === "Leave")) {
          fail(`text is not allowed inside <${name}>`, pos + raw.search(/\S/));
        }
        text += decode(raw, pos);
        pos = end;
      }
    }
  };

  if (typeof xml !== "string") throw new TypeError("[@twilio-kit/twiml] parseTwiml expects a string");
  // A UTF-8 byte order mark is legal before the declaration.
  if (xml.charCodeAt(0) === 0xfeff) pos = 1;
  skipMisc();
  if (xml[pos] !== "<" || xml.startsWith("</", pos)) fail("expected <Response>");
  const root = readElement(undefined) as TwimlDocument;
  skipMisc();
  if (pos < xml.length) fail("unexpected content after </Response>");
  return root;
}
