import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MessagingResponse, parseTwiml, TwimlParseError, VoiceResponse } from "../src/index.js";

function parseError(xml: string): TwimlParseError {
  try {
    parseTwiml(xml);
  } catch (error) {
    if (error instanceof TwimlParseError) return error;
    throw error;
  }
  throw new Error("expected a TwimlParseError");
}

describe("parseTwiml", () => {
  it("reads a voice document into a walkable tree", () => {
    const doc = parseTwiml(`<?xml version="1.0" encoding="UTF-8"?>
<!-- menu -->
<Response>
  <Gather input="dtmf speech" numDigits='1' action="/menu?a=1&amp;b=2">
    <Say voice="alice">Press 1 &#x26; wait</Say>
  </Gather>
  <Dial callerId="+15017122661"><Number>+15558675310</Number></Dial>
  <Say><![CDATA[a <raw> & text]]></Say>
  <Hangup/>
</Response>`);
    expect(doc.type).toBe("Response");
    expect(doc.children.map((c) => c.type)).toEqual(["Gather", "Dial", "Say", "Hangup"]);
    const gather = doc.children[0]!;
    expect(gather).toMatchObject({ attributes: { input: "dtmf speech", numDigits: "1", action: "/menu?a=1&b=2" }, line: 4, column: 3 });
    expect(gather.children[0]).toMatchObject({ type: "Say", text: "Press 1 & wait", attributes: { voice: "alice" }, line: 5, column: 5 });
    expect(doc.children[2]!.text).toBe("a <raw> & text");
  });

  it("reads a messaging document", () => {
    const doc = parseTwiml("<Response><Message to='+1'><Body>Hi</Body><Media>https://m/1</Media></Message></Response>");
    expect(doc.children[0]).toMatchObject({ type: "Message", attributes: { to: "+1" }, children: [{ type: "Body", text: "Hi" }, { type: "Media", text: "https://m/1" }] });
  });

  it("reports malformed XML with line and column", () => {
    expect(parseError("<Response>\n  <Say>hi</Play>\n</Response>")).toMatchObject({ line: 2, column: 10 });
    expect(parseError("<Response>\n<Say a=1>x</Say></Response>")).toMatchObject({ line: 2, column: 8 });
    expect(parseError("<Response><Say>a &nbsp; b</Say></Response>").message).toContain("unknown entity");
    expect(parseError("<Response>")).toMatchObject({ line: 1, column: 1 });
    expect(parseError("<Response/><Response/>").message).toContain("after </Response>");
    expect(parseError("").message).toContain("expected <Response>");
  });

  it("rejects unknown verbs and verbs nested where Twilio does not allow them", () => {
    expect(parseError("<Response>\n  <Sya>hi</Sya>\n</Response>")).toMatchObject({ line: 2, column: 3 });
    expect(parseError("<Response><Gather><Dial>+1</Dial></Gather></Response>").message).toContain("<Dial> is not allowed inside <Gather>");
    expect(parseError("<Response><Number>+1</Number></Response>").message).toContain("not allowed inside <Response>");
    expect(parseError("<Say>hi</Say>").message).toContain("root element must be <Response>");
    expect(parseError("<Response>stray text</Response>").message).toContain("text is not allowed");
  });

  it("reads the queue name of <Enqueue>, as the builder writes it", () => {
    const doc = parseTwiml(new VoiceResponse().enqueue({ waitUrl: "/wait" }, "support").toString());
    expect(doc.children[0]).toMatchObject({ type: "Enqueue", text: "support", attributes: { waitUrl: "/wait" } });
  });

  it("reads back whatever the builders write (1,000 generated documents)", () => {
    const text = fc.string({ maxLength: 10 }).filter((s) => !/[\0-\x08\x0B\f\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDFFF]/.test(s));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom("say", "play", "gather", "dial"), text, text), { maxLength: 5 }), (ops) => {
        const voice = new VoiceResponse();
        for (const [verb, a, b] of ops) {
          if (verb === "say") voice.say({ voice: a }, b);
          else if (verb === "play") voice.play({ digits: a }, b);
          else if (verb === "gather") voice.gather({ action: a }).say(b);
          else voice.dial({ callerId: a }).number(b);
        }
        const doc = parseTwiml(voice.toString());
        expect(doc.children.map((c) => c.type)).toEqual(ops.map(([verb]) => ({ say: "Say", play: "Play", gather: "Gather", dial: "Dial" })[verb]));
        ops.forEach(([verb, a, b], i) => {
          const node = doc.children[i]!;
          const attribute = Object.values(node.attributes)[0];
          expect(attribute).toBe(a);
          const inner = verb === "gather" || verb === "dial" ? node.children[0]! : node;
          expect(inner.text).toBe(b.trim());
        });
      }),
      { numRuns: 1_000 },
    );
    expect(parseTwiml(new MessagingResponse().toString()).children).toEqual([]);
  });
});
