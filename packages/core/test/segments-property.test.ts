// Properties of the segment count on generated bodies: the 160/153 and 70/67 boundaries, two-unit
// characters never split across segments, and Smart Encoding deciding all or nothing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SMART_ENCODING_TABLE, isGsm7, segments } from "../src/segments/index.js";

const BASIC = [..."@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"];
const EXTENSION = [..."\f^{}\\[~]|€"];
const basicChar = fc.constantFrom(...BASIC);
const gsmChar = fc.oneof({ arbitrary: basicChar, weight: 4 }, { arbitrary: fc.constantFrom(...EXTENSION), weight: 1 });
/** BMP characters outside GSM-7 (Cyrillic, CJK, curly quotes…): one UCS-2 unit each. */
const bmpNonGsm = fc.integer({ min: 0x0400, max: 0xd7ff }).map((code) => String.fromCharCode(code)).filter((c) => !isGsm7(c));
/** Characters outside the BMP (emoji, historic scripts): a surrogate pair, two UCS-2 units. */
const astral = fc.integer({ min: 0x1f300, max: 0x1faff }).map((code) => String.fromCodePoint(code));
const ucs2Char = fc.oneof(bmpNonGsm, astral, basicChar);
const gsmBody = (maxLength: number) => fc.array(gsmChar, { maxLength, size: "max" }).map((chars) => chars.join(""));

/**
 * Reference split: segments as lists of characters, each taking the longest prefix that fits. Written
 * apart from the implementation, so a regression in either shows as a disagreement.
 */
function referenceSplit(chars: string[], size: (c: string) => number, single: number, multi: number): string[][] {
  const total = chars.reduce((sum, c) => sum + size(c), 0);
  if (total <= single) return [chars];
  const parts: string[][] = [];
  let rest = chars;
  while (rest.length) {
    let fit = 0;
    let units = 0;
    while (fit < rest.length && units + size(rest[fit]!) <= multi) units += size(rest[fit++]!);
    parts.push(rest.slice(0, fit));
    rest = rest.slice(fit);
  }
  return parts;
}

const septets = (c: string) => (EXTENSION.includes(c) ? 2 : 1);
const utf16 = (c: string) => c.length;

describe("segments: properties", () => {
  it("counts a body of basic GSM-7 characters as 1 segment up to 160, then ceil(n / 153)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), basicChar, (n, char) => {
        const result = segments(char.repeat(n));
        expect(result).toMatchObject({ encoding: "GSM-7", units: n, characters: n });
        expect(result.segments).toBe(n <= 160 ? 1 : Math.ceil(n / 153));
        expect(result.unitsPerSegment).toBe(n <= 160 ? 160 : 153);
      }),
    );
  });

  it("counts a body of BMP characters outside GSM-7 as 1 segment up to 70, then ceil(n / 67)", () => {
    fc.assert(
      fc.property(fc.array(bmpNonGsm, { minLength: 1, maxLength: 800, size: "max" }), (chars) => {
        const n = chars.length;
        const result = segments(chars.join(""));
        expect(result).toMatchObject({ encoding: "UCS-2", units: n, characters: n });
        expect(result.segments).toBe(n <= 70 ? 1 : Math.ceil(n / 67));
      }),
    );
  });

  it("splits GSM-7 bodies as the reference does, never across an extension character", () => {
    fc.assert(
      fc.property(fc.array(gsmChar, { maxLength: 700, size: "max" }), (chars) => {
        const parts = referenceSplit(chars, septets, 160, 153);
        const last = parts.at(-1)!.reduce((sum, c) => sum + septets(c), 0);
        const result = segments(chars.join(""));
        expect(result.encoding).toBe("GSM-7");
        expect(result.segments).toBe(parts.length);
        expect(result.charactersLeftInSegment).toBe(result.unitsPerSegment - last);
      }),
    );
  });

  it("splits UCS-2 bodies as the reference does, never across a surrogate pair", () => {
    fc.assert(
      fc.property(fc.array(ucs2Char, { maxLength: 300, size: "max" }), astral, (chars, emoji) => {
        const all = [emoji, ...chars];
        const parts = referenceSplit(all, utf16, 70, 67);
        const last = parts.at(-1)!.reduce((sum, c) => sum + utf16(c), 0);
        const result = segments(all.join(""));
        expect(result).toMatchObject({ encoding: "UCS-2", units: all.join("").length, characters: all.length });
        expect(result.segments).toBe(parts.length);
        expect(result.charactersLeftInSegment).toBe(result.unitsPerSegment - last);
      }),
    );
  });

  it("wastes at most one unit per segment boundary and never reports more room than a segment has", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(gsmChar, ucs2Char), { maxLength: 600, size: "max" }), (chars) => {
        const r = segments(chars.join(""));
        expect(r.charactersLeftInSegment).toBeGreaterThanOrEqual(0);
        expect(r.charactersLeftInSegment).toBeLessThanOrEqual(r.unitsPerSegment);
        const capacity = r.segments * r.unitsPerSegment;
        expect(capacity - r.charactersLeftInSegment - r.units).toBeGreaterThanOrEqual(0);
        expect(capacity - r.charactersLeftInSegment - r.units).toBeLessThanOrEqual(r.segments - 1);
      }),
    );
  });

  it("never counts fewer segments after a character is appended", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(gsmChar, ucs2Char), { maxLength: 400, size: "max" }), fc.oneof(gsmChar, ucs2Char), (chars, extra) => {
        const before = segments(chars.join(""));
        const after = segments(chars.join("") + extra);
        if (before.encoding === after.encoding) expect(after.segments).toBeGreaterThanOrEqual(before.segments);
      }),
    );
  });

  it("with Smart Encoding, sends GSM-7 whenever every non-GSM character has a replacement", () => {
    const replaceable = fc.constantFrom(...SMART_ENCODING_TABLE.keys());
    fc.assert(
      fc.property(fc.array(fc.oneof(gsmChar, replaceable), { maxLength: 400, size: "max" }), (chars) => {
        const body = chars.join("");
        const result = segments(body, { smartEncoding: true });
        expect(result.encoding).toBe("GSM-7");
        expect(result.nonGsmCharacters).toEqual([]);
        const changed = chars.some((c) => !isGsm7(c));
        expect(result.smartEncoded).toBe(changed);
        if (changed) expect([...result.smartEncodedBody!].every(isGsm7)).toBe(true);
      }),
    );
  });

  it("with Smart Encoding, counts the original body when any character has no replacement", () => {
    fc.assert(
      fc.property(gsmBody(200), astral, gsmBody(200), (head, emoji, tail) => {
        const body = `${head}“${emoji}”${tail}`;
        expect(segments(body, { smartEncoding: true })).toEqual({ ...segments(body), smartEncoded: false });
      }),
    );
  });
});
