// Differential: the same bodies through Twilio's public segment calculator (the `sms-segments-calculator`
// package behind https://twiliodeved.github.io/message-segment-calculator/, a devDependency of this test
// only). Generated characters are single-code-point graphemes, where both count the same units; the
// calculator keeps a multi-code-point grapheme (👍🏽) whole, where Twilio's count is by code point.
import fc from "fast-check";
import { SegmentedMessage } from "sms-segments-calculator";
import { describe, expect, it } from "vitest";
import { SMART_ENCODING_TABLE, isGsm7, segments } from "../src/segments/index.js";

const gsmChar = fc.constantFrom(..."@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà\f^{}\\[~]|€");
// Cyrillic, CJK and emoji from blocks without combining marks or modifiers: one grapheme per code point
const otherChar = fc.oneof(
  fc.integer({ min: 0x0410, max: 0x044f }),
  fc.integer({ min: 0x4e00, max: 0x9fff }),
  fc.integer({ min: 0x1f600, max: 0x1f64f }),
).map((code) => String.fromCodePoint(code));
// No "\r" before "\n": the calculator reads CRLF as one grapheme, then splits it again
const body = (char: fc.Arbitrary<string>, maxLength: number) =>
  fc.array(char, { maxLength, size: "max" }).map((chars) => chars.join("").replace(/\r(?=\n)/g, "r"));

function calculator(text: string, smartEncoding = false) {
  const message = new SegmentedMessage(text, "auto", smartEncoding);
  return { encoding: message.encodingName, segments: message.segmentsCount, nonGsm: new Set(message.getNonGsmCharacters()) };
}

describe("segments agrees with Twilio's public segment calculator", () => {
  it("on GSM-7 bodies (basic and extension characters)", () => {
    fc.assert(
      fc.property(body(gsmChar, 700), (text) => {
        const ours = segments(text);
        const theirs = calculator(text);
        expect(ours.encoding).toBe(theirs.encoding);
        expect(ours.segments).toBe(theirs.segments);
        expect(ours.units).toBe(new SegmentedMessage(text).numberOfCharacters);
      }),
      { numRuns: 300 },
    );
  });

  it("on UCS-2 bodies with emoji across segment boundaries", () => {
    fc.assert(
      fc.property(body(fc.oneof(gsmChar, otherChar), 400), otherChar, (text, forced) => {
        const withForced = forced + text;
        const ours = segments(withForced);
        const theirs = calculator(withForced);
        expect(ours.encoding).toBe("UCS-2");
        expect(theirs.encoding).toBe("UCS-2");
        expect(ours.segments).toBe(theirs.segments);
        expect(new Set(ours.nonGsmCharacters)).toEqual(theirs.nonGsm);
      }),
      { numRuns: 300 },
    );
  });

  it("on Smart Encoding of quotes, dashes and fullwidth forms when nothing else is left", () => {
    // Whitespace, controls and a few punctuation marks are left out: the calculator replaces a no-break
    // space with two spaces and a tab with seven, and maps ‹ › the other way round
    const shared = [...SMART_ENCODING_TABLE.keys()].filter((c) => !/[\s\p{Cc}\p{Cf}\u2039\u203a]/u.test(c));
    expect(shared.length).toBeGreaterThan(200);
    fc.assert(
      fc.property(body(fc.oneof(gsmChar, fc.constantFrom(...shared)), 400), (text) => {
        const ours = segments(text, { smartEncoding: true });
        const theirs = calculator(text, true);
        expect(ours.encoding).toBe(theirs.encoding);
        expect(ours.segments).toBe(theirs.segments);
        expect([...(ours.smartEncodedBody ?? text)].every(isGsm7)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
