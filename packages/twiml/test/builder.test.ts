import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MessagingResponse, VoiceResponse } from "../src/index.js";

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const twiml = require("twilio").twiml as { MessagingResponse: new () => any; VoiceResponse: new () => any };

describe("builders", () => {
  it("write the reference messaging documents", () => {
    const simple = new MessagingResponse();
    simple.message("Hello World!");
    expect(simple.toString()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Message>Hello World!</Message></Response>');
    const full = new MessagingResponse();
    full.message({ to: "+15558675310", from: "+15017122661", action: "https://example.com/status", method: "POST" }).body("Store Location: 123 Easy St.").media("https://demo.twilio.com/owl.png");
    full.redirect("https://example.com/next");
    expect(full.toString()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message to="+15558675310" from="+15017122661" action="https://example.com/status" method="POST"><Body>Store Location: 123 Easy St.</Body><Media>https://demo.twilio.com/owl.png</Media></Message><Redirect>https://example.com/next</Redirect></Response>',
    );
    expect(new MessagingResponse().toString()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });

  it("writes the reference voice document, escaping text", () => {
    const voice = new VoiceResponse();
    voice.say({ voice: "alice", language: "en-US" }, "Hello & <bye>");
    voice.play({ loop: 2 }, "https://api.twilio.com/cowbell.mp3");
    voice.pause({ length: 3 });
    voice.gather({ input: ["dtmf", "speech"], action: "/gather", method: "POST", numDigits: 1, timeout: 5 }).say("Press 1");
    voice.dial({ callerId: "+15017122661", timeout: 20, action: "/dial-done" }).number("+15558675310");
    voice.record({ maxLength: 30, action: "/rec", playBeep: true });
    voice.redirect({ method: "POST" }, "/voice");
    voice.hangup();
    expect(voice.toString()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="alice" language="en-US">Hello &amp; &lt;bye&gt;</Say><Play loop="2">https://api.twilio.com/cowbell.mp3</Play><Pause length="3"/><Gather input="dtmf speech" action="/gather" method="POST" numDigits="1" timeout="5"><Say>Press 1</Say></Gather><Dial callerId="+15017122661" timeout="20" action="/dial-done"><Number>+15558675310</Number></Dial><Record maxLength="30" action="/rec" playBeep="true"/><Redirect method="POST">/voice</Redirect><Hangup/></Response>',
    );
  });

  it("refuses characters XML cannot carry", () => {
    expect(() => new VoiceResponse().say("bell \u0007")).toThrow(TypeError);
  });
});

// Differential: random call sequences applied to both builders must give the same bytes.
const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("&", "<b>", '"q"', "'", "a\tb\nc\rd", "é😀", "]]>", ""))
  .filter((s) => !/[\0-\x08\x0B\f\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDFFF]/.test(s));
const attrValue = fc.oneof(text, fc.integer({ min: -5, max: 100 }), fc.boolean(), fc.constant(undefined), fc.array(fc.constantFrom("dtmf", "speech", "a&b"), { minLength: 1, maxLength: 3 }));
const attrs = fc.dictionary(fc.constantFrom("to", "from", "action", "method", "voice", "language", "loop", "digits", "length", "input", "numDigits", "callerId", "reason", "url", "statusCallbackEvent"), attrValue, { maxKeys: 4 });

type Op = { verb: string; attrs: Record<string, unknown>; text: string; children: { verb: string; attrs: Record<string, unknown>; text: string }[] };
const op = (verbs: string[], childVerbs: Record<string, string[]>) =>
  fc.constantFrom(...verbs).chain((verb) =>
    fc.record({
      verb: fc.constant(verb),
      attrs,
      text,
      children: fc.array(fc.record({ verb: fc.constantFrom(...(childVerbs[verb] ?? ["none"])), attrs, text }), { maxLength: childVerbs[verb] ? 3 : 0 }),
    }),
  );

const withText = new Set(["message", "redirect", "say", "play", "dial", "enqueue", "body", "media", "number", "client", "sip", "conference", "queue"]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function apply(target: any, ops: Op[]): void {
  for (const o of ops) {
    const child = withText.has(o.verb) ? target[o.verb](o.attrs, o.text) : target[o.verb](o.attrs);
    for (const c of o.children) {
      if (c.verb === "body" || c.verb === "media") child[c.verb](c.text);
      else if (withText.has(c.verb)) child[c.verb](c.attrs, c.text);
      else child[c.verb](c.attrs);
    }
  }
}

describe("differential against twilio-node builders", () => {
  it("writes the same bytes as twilio.twiml.VoiceResponse for 1,500 random documents", () => {
    const voiceOps = op(["say", "play", "pause", "gather", "dial", "record", "redirect", "reject", "enqueue"], {
      gather: ["say", "play", "pause"],
      dial: ["number", "client", "sip", "conference", "queue"],
    });
    fc.assert(
      fc.property(fc.array(voiceOps, { maxLength: 6 }), fc.boolean(), (ops, end) => {
        const ours = new VoiceResponse();
        const theirs = new twiml.VoiceResponse();
        apply(ours, ops as Op[]);
        apply(theirs, ops as Op[]);
        if (end) {
          ours.hangup().leave();
          theirs.hangup();
          theirs.leave();
        }
        expect(ours.toString()).toBe(theirs.toString());
      }),
      { numRuns: 1_500 },
    );
  });

  it("writes the same bytes as twilio.twiml.MessagingResponse for 1,000 random documents", () => {
    const messagingOps = op(["message", "redirect"], { message: ["body", "media"] });
    fc.assert(
      fc.property(fc.array(messagingOps, { maxLength: 5 }), (ops) => {
        const ours = new MessagingResponse();
        const theirs = new twiml.MessagingResponse();
        apply(ours, ops as Op[]);
        apply(theirs, ops as Op[]);
        expect(ours.toString()).toBe(theirs.toString());
      }),
      { numRuns: 1_000 },
    );
  });
});
