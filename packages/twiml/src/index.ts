// @twilio-kit/twiml: typed TwiML builders (byte-identical to twilio-node's) and a strict parser.
// No dependencies and no Node built-ins: runs anywhere.
export * from "./builder.js";
export { parseTwiml, TwimlParseError, type TwimlDocument, type TwimlNode, type TwimlVerbName } from "./parse.js";
export { escapeAttribute, escapeText } from "./xml.js";
