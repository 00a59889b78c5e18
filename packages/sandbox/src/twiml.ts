// The sandbox reads TwiML with @twilio-kit/twiml's parser; the interpreters import it from here only.
export { parseTwiml, TwimlParseError, type TwimlNode } from "@twilio-kit/twiml";
