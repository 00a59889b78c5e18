// Typed TwiML builders whose output is byte-identical to twilio-node's for the same calls.
import { element, render, xmlDeclaration, type AttributeValue, type XmlElement } from "./xml.js";

/** HTTP method Twilio uses for an `action`/callback URL. */
export type HttpMethod = "GET" | "POST";

type Attrs = Record<string, AttributeValue>;

// Accept `verb(text)` and `verb(attributes, text)`, as twilio-node does.
function split<A>(first: A | string | undefined, second: string | undefined): [A | undefined, string | undefined] {
  return typeof first === "string" ? [undefined, first] : [first, second];
}

abstract class Node {
  /** The element this builder writes to; internal. */
  protected readonly node: XmlElement;
  constructor(node: XmlElement) {
    this.node = node;
  }
  /** Adds a child verb or noun called as `verb(text)` or `verb(attributes, text)`; returns this builder. */
  protected verb(name: string, first: object | string | undefined, second: string | undefined): this {
    const [attributes, text] = split(first, second);
    this.add(name, attributes, text);
    return this;
  }
  protected add(name: string, attributes: object | undefined, text?: string): XmlElement {
    const child = element(name, attributes as Attrs | undefined, text);
    this.node.children.push(child);
    return child;
  }
}

function documentOf(root: XmlElement): string {
  return xmlDeclaration + render(root);
}

// ---------------------------------------------------------------- Messaging

/** Attributes of `<Message>`. */
export interface MessageAttributes {
  to?: string;
  from?: string;
  /** Status callback URL for this reply. */
  action?: string;
  method?: HttpMethod;
  statusCallback?: string;
}

/** Attributes of `<Redirect>`. */
export interface RedirectAttributes {
  method?: HttpMethod;
}

/** A `<Message>`: add `<Body>` and up to 10 `<Media>`. */
export class Message extends Node {
  /** Add `<Body>text</Body>`. */
  body(text: string): this {
    this.add("Body", undefined, text);
    return this;
  }
  /** Add `<Media>url</Media>` (an image or other media to send). */
  media(url: string): this {
    this.add("Media", undefined, url);
    return this;
  }
}

/**
 * Build a TwiML reply to an incoming message.
 * @example
 * const twiml = new MessagingResponse();
 * twiml.message("Thanks!");
 * return new Response(twiml.toString(), { headers: { "content-type": "text/xml" } });
 */
export class MessagingResponse extends Node {
  constructor() {
    super(element("Response", undefined));
  }
  /** The TwiML document, with the XML declaration. */
  toString(): string {
    return documentOf(this.node);
  }
  /** Reply with a message; the text may be given here or with `.body()`. */
  message(body?: string): Message;
  message(attributes: MessageAttributes, body?: string): Message;
  message(first?: MessageAttributes | string, second?: string): Message {
    const [attributes, text] = split(first, second);
    return new Message(this.add("Message", attributes, text));
  }
  /** Fetch more TwiML from another URL. */
  redirect(url: string): this;
  redirect(attributes: RedirectAttributes, url: string): this;
  redirect(first: RedirectAttributes | string, second?: string): this {
    return this.verb("Redirect", first, second);
  }
}

// ---------------------------------------------------------------- Voice

/** `<Say voice>`: the classic voices plus any Polly/Google voice name. */
export type SayVoice = "man" | "woman" | "alice" | (string & {});
/** `<Say language>` (BCP 47, e.g. `en-US`). */
export type SayLanguage = "en-US" | "en-GB" | "en-AU" | "es-ES" | "es-MX" | "fr-FR" | "de-DE" | "it-IT" | "ja-JP" | "pt-BR" | (string & {});

/** Attributes of `<Say>`. */
export interface SayAttributes {
  voice?: SayVoice;
  language?: SayLanguage;
  loop?: number;
}
/** Attributes of `<Play>`. */
export interface PlayAttributes {
  loop?: number;
  /** DTMF tones to play instead of a URL (`w` waits half a second). */
  digits?: string;
}
/** Attributes of `<Pause>`. */
export interface PauseAttributes {
  length?: number;
}
/** `<Gather input>`. */
export type GatherInput = "dtmf" | "speech";
/** Attributes of `<Gather>`. */
export interface GatherAttributes {
  input?: GatherInput | readonly GatherInput[] | "dtmf speech";
  action?: string;
  method?: HttpMethod;
  numDigits?: number;
  timeout?: number;
  finishOnKey?: string;
  speechTimeout?: number | "auto";
  hints?: string;
  language?: SayLanguage;
  actionOnEmptyResult?: boolean;
  partialResultCallback?: string;
  profanityFilter?: boolean;
  speechModel?: "default" | "numbers_and_commands" | "phone_call" | "experimental_conversations" | "experimental_utterances" | (string & {});
}
/** `<Dial record>`. */
export type DialRecord = "do-not-record" | "record-from-answer" | "record-from-ringing" | "record-from-answer-dual" | "record-from-ringing-dual";
/** Attributes of `<Dial>`. */
export interface DialAttributes {
  action?: string;
  method?: HttpMethod;
  callerId?: string;
  timeout?: number;
  timeLimit?: number;
  hangupOnStar?: boolean;
  record?: DialRecord;
  recordingStatusCallback?: string;
  answerOnBridge?: boolean;
  ringTone?: string;
}
/** Progress events of a dialled leg. */
export type DialEvent = "initiated" | "ringing" | "answered" | "completed";
/** Attributes shared by `<Number>`, `<Client>` and `<Sip>`. */
export interface DialNounAttributes {
  url?: string;
  method?: HttpMethod;
  statusCallback?: string;
  statusCallbackMethod?: HttpMethod;
  statusCallbackEvent?: DialEvent | readonly DialEvent[];
}
/** Attributes of `<Number>`. */
export interface NumberAttributes extends DialNounAttributes {
  sendDigits?: string;
}
/** Attributes of `<Sip>`. */
export interface SipAttributes extends DialNounAttributes {
  username?: string;
  password?: string;
}
/** Conference lifecycle events. */
export type ConferenceEvent = "start" | "end" | "join" | "leave" | "mute" | "hold" | "modify" | "speaker" | "announcement";
/** Attributes of `<Conference>`. */
export interface ConferenceAttributes {
  muted?: boolean;
  beep?: "true" | "false" | "onEnter" | "onExit" | boolean;
  startConferenceOnEnter?: boolean;
  endConferenceOnExit?: boolean;
  waitUrl?: string;
  waitMethod?: HttpMethod;
  maxParticipants?: number;
  record?: "do-not-record" | "record-from-start";
  statusCallback?: string;
  statusCallbackEvent?: ConferenceEvent | readonly ConferenceEvent[];
}
/** Attributes of `<Queue>` inside `<Dial>`. */
export interface QueueAttributes {
  url?: string;
  method?: HttpMethod;
  reservationSid?: string;
  postWorkActivitySid?: string;
}
/** Attributes of `<Record>`. */
export interface RecordAttributes {
  action?: string;
  method?: HttpMethod;
  timeout?: number;
  finishOnKey?: string;
  maxLength?: number;
  playBeep?: boolean;
  trim?: "trim-silence" | "do-not-trim";
  recordingStatusCallback?: string;
  transcribe?: boolean;
  transcribeCallback?: string;
}
/** Attributes of `<Reject>`. */
export interface RejectAttributes {
  reason?: "rejected" | "busy";
}
/** Attributes of `<Enqueue>`. */
export interface EnqueueAttributes {
  action?: string;
  method?: HttpMethod;
  waitUrl?: string;
  waitUrlMethod?: HttpMethod;
  workflowSid?: string;
}

/** The verbs a caller hears, shared by `<Response>` and `<Gather>`: Say, Play and Pause. */
abstract class SpokenVerbs extends Node {
  /** Speak text (text-to-speech). */
  say(text: string): this;
  say(attributes: SayAttributes, text: string): this;
  say(first: SayAttributes | string, second?: string): this {
    return this.verb("Say", first, second);
  }
  /** Play an audio URL, or DTMF `digits`. */
  play(url?: string): this;
  play(attributes: PlayAttributes, url?: string): this;
  play(first?: PlayAttributes | string, second?: string): this {
    return this.verb("Play", first, second);
  }
  /** Wait silently (`length` seconds, default 1). */
  pause(attributes?: PauseAttributes): this {
    this.add("Pause", attributes);
    return this;
  }
}

/** Verbs that may appear inside `<Gather>`: say, play and pause while gathering. */
export class Gather extends SpokenVerbs {}

/** Nouns of `<Dial>`: who to connect to. */
export class Dial extends Node {
  /** Dial a phone number. */
  number(phoneNumber: string): this;
  number(attributes: NumberAttributes, phoneNumber: string): this;
  number(first: NumberAttributes | string, second?: string): this {
    return this.verb("Number", first, second);
  }
  /** Dial a Voice SDK client identity. */
  client(identity: string): this;
  client(attributes: DialNounAttributes, identity: string): this;
  client(first: DialNounAttributes | string, second?: string): this {
    return this.verb("Client", first, second);
  }
  /** Dial a SIP URI. */
  sip(sipUrl: string): this;
  sip(attributes: SipAttributes, sipUrl: string): this;
  sip(first: SipAttributes | string, second?: string): this {
    return this.verb("Sip", first, second);
  }
  /** Join a conference room by name. */
  conference(name: string): this;
  conference(attributes: ConferenceAttributes, name: string): this;
  conference(first: ConferenceAttributes | string, second?: string): this {
    return this.verb("Conference", first, second);
  }
  /** Take the first caller waiting in a queue. */
  queue(name: string): this;
  queue(attributes: QueueAttributes, name: string): this;
  queue(first: QueueAttributes | string, second?: string): this {
    return this.verb("Queue", first, second);
  }
}

/**
 * Build a TwiML answer to a call.
 * @example
 * const twiml = new VoiceResponse();
 * twiml.gather({ input: "dtmf", numDigits: 1, action: "/menu" }).say("Press 1 for sales.");
 * twiml.say("Goodbye.");
 */
export class VoiceResponse extends SpokenVerbs {
  constructor() {
    super(element("Response", undefined));
  }
  /** The TwiML document, with the XML declaration. */
  toString(): string {
    return documentOf(this.node);
  }
  /** Collect digits or speech; nest `say`/`play`/`pause` on the returned builder. */
  gather(attributes?: GatherAttributes): Gather {
    return new Gather(this.add("Gather", attributes));
  }
  /** Connect the call; pass a number as text, or add nouns on the returned builder. */
  dial(number?: string): Dial;
  dial(attributes: DialAttributes, number?: string): Dial;
  dial(first?: DialAttributes | string, second?: string): Dial {
    const [attributes, text] = split(first, second);
    return new Dial(this.add("Dial", attributes, text));
  }
  /** Record the caller. */
  record(attributes?: RecordAttributes): this {
    this.add("Record", attributes);
    return this;
  }
  /** Fetch more TwiML from another URL. */
  redirect(url: string): this;
  redirect(attributes: RedirectAttributes, url: string): this;
  redirect(first: RedirectAttributes | string, second?: string): this {
    return this.verb("Redirect", first, second);
  }
  /** End the call. */
  hangup(): this {
    this.add("Hangup", undefined);
    return this;
  }
  /** Refuse the call without answering it (not billed when first). */
  reject(attributes?: RejectAttributes): this {
    this.add("Reject", attributes);
    return this;
  }
  /** Put the caller in a queue. */
  enqueue(name: string): this;
  enqueue(attributes: EnqueueAttributes, name: string): this;
  enqueue(first: EnqueueAttributes | string, second?: string): this {
    return this.verb("Enqueue", first, second);
  }
  /** Take the caller out of its queue. */
  leave(): this {
    this.add("Leave", undefined);
    return this;
  }
}
