// Segment counts from Twilio's documentation (160/153 GSM-7, 70/67 UCS-2, extension characters count
// two, https://www.twilio.com/docs/glossary/what-sms-character-limit) and the behaviour of Twilio's public
// segment calculator (https://twiliodeved.github.io/message-segment-calculator/) on the same bodies.
import { describe, expect, it } from "vitest";
import { SMART_ENCODING_TABLE, gsm7Septets, isGsm7, segments, smartEncode } from "../src/segments/index.js";

const digits = (n: number) => "1234567890".repeat(Math.ceil(n / 10)).slice(0, n);

describe("segments: documented boundaries", () => {
  const cases: Array<[name: string, body: string, expected: Partial<ReturnType<typeof segments>>]> = [
    ["160 GSM-7 characters fit one segment", digits(160), { encoding: "GSM-7", segments: 1, characters: 160, units: 160, unitsPerSegment: 160, charactersLeftInSegment: 0 }],
    ["161 GSM-7 characters take two segments of 153", digits(161), { encoding: "GSM-7", segments: 2, units: 161, unitsPerSegment: 153, charactersLeftInSegment: 145 }],
    ["306 GSM-7 characters fill exactly two segments", digits(306), { segments: 2, charactersLeftInSegment: 0 }],
    ["307 GSM-7 characters take three segments", digits(307), { segments: 3, charactersLeftInSegment: 152 }],
    ["an emoji and 68 digits (70 UCS-2 units) fit one segment", `😜${digits(68)}`, { encoding: "UCS-2", segments: 1, characters: 69, units: 70, unitsPerSegment: 70, charactersLeftInSegment: 0 }],
    ["an emoji and 69 digits (71 units) take two segments of 67", `😜${digits(69)}`, { encoding: "UCS-2", segments: 2, characters: 70, units: 71, unitsPerSegment: 67 }],
    ["an emoji and 133 digits take three segments", `😜${digits(133)}`, { encoding: "UCS-2", segments: 3, characters: 134, units: 135 }],
    ["a flag (two surrogate pairs) and 66 digits fit one segment", `🇮🇹${digits(66)}`, { encoding: "UCS-2", segments: 1, characters: 68, units: 70 }],
    ["80 euro signs (two septets each) fit one segment", "€".repeat(80), { encoding: "GSM-7", segments: 1, characters: 80, units: 160, charactersLeftInSegment: 0 }],
    ["81 euro signs take two segments of 76 (a septet of each is left unused)", "€".repeat(81), { segments: 2, units: 162, charactersLeftInSegment: 153 - 10 }],
    ["an empty body is one GSM-7 segment with all 160 septets left", "", { encoding: "GSM-7", segments: 1, characters: 0, units: 0, charactersLeftInSegment: 160 }],
  ];
  for (const [name, body, expected] of cases) {
    it(name, () => expect(segments(body)).toMatchObject(expected));
  }

  it("moves an extension character that does not fit to the next segment instead of splitting it", () => {
    // 306 septets would be exactly two segments if the euro sign could straddle the boundary
    const body = `${"a".repeat(152)}€${"a".repeat(152)}`;
    expect(segments(body)).toMatchObject({ encoding: "GSM-7", units: 306, segments: 3, charactersLeftInSegment: 152 });
  });

  it("moves an emoji that does not fit to the next segment instead of splitting its surrogate pair", () => {
    // 134 units would be exactly two segments if the pair could straddle the boundary
    const body = `ж${"a".repeat(65)}😀${"a".repeat(66)}`;
    expect(segments(body)).toMatchObject({ encoding: "UCS-2", units: 134, segments: 3, charactersLeftInSegment: 66 });
  });
});

describe("segments: the GSM-7 alphabet", () => {
  it("knows the 127 characters of the basic table and the 10 of the extension table", () => {
    let basic = 0;
    let extension = 0;
    for (let code = 0; code <= 0xffff; code++) {
      const size = gsm7Septets(String.fromCharCode(code));
      if (size === 1) basic++;
      if (size === 2) extension++;
    }
    expect([basic, extension]).toEqual([127, 10]);
  });

  it("counts each extension character as two septets", () => {
    for (const char of "\f^{}\\[~]|€") expect(segments(char), JSON.stringify(char)).toMatchObject({ encoding: "GSM-7", units: 2, characters: 1 });
  });

  it("keeps accented letters of the table in GSM-7 and sends the others as UCS-2", () => {
    expect(segments("Ça coûte 5€ à Zürich")).toMatchObject({ encoding: "UCS-2", nonGsmCharacters: ["û"] });
    expect(segments("Ça va à Zürich, señor? Ñandú!")).toMatchObject({ encoding: "UCS-2", nonGsmCharacters: ["ú"] });
    expect(segments("Ça va à Zürich, señor?")).toMatchObject({ encoding: "GSM-7", units: 22 });
    // lower-case c cedilla is not in the table (only Ç is)
    expect(segments("garçon").encoding).toBe("UCS-2");
  });

  it("treats the escape code, tab and lone surrogates as characters GSM-7 cannot carry", () => {
    expect(isGsm7("\u001b")).toBe(false);
    expect(segments("a\tb")).toMatchObject({ encoding: "UCS-2", nonGsmCharacters: ["\t"] });
    expect(segments("\ud800a")).toMatchObject({ encoding: "UCS-2", units: 2, characters: 2, nonGsmCharacters: ["\ud800"] });
  });

  it("lists each non-GSM character once, in order of first appearance", () => {
    expect(segments("🙂 hi “you” 🙂 — ok”").nonGsmCharacters).toEqual(["🙂", "“", "”", "—"]);
    expect(segments("plain").nonGsmCharacters).toEqual([]);
  });

  it("counts code points as characters and UTF-16 units as UCS-2 units", () => {
    expect(segments("👍🏽 ok")).toMatchObject({ characters: 5, units: 7 });
  });
});

describe("segments: Smart Encoding", () => {
  it("replaces curly quotes, dashes, the ellipsis and no-break spaces, then counts GSM-7", () => {
    const result = segments("“Hello” — it’s\u00a0ready…", { smartEncoding: true });
    expect(result).toEqual({
      encoding: "GSM-7",
      segments: 1,
      characters: 23,
      units: 23,
      unitsPerSegment: 160,
      charactersLeftInSegment: 137,
      nonGsmCharacters: [],
      smartEncoded: true,
      smartEncodedBody: '"Hello" - it\'s ready...',
    });
  });

  it("turns a three-segment UCS-2 body into a one-segment GSM-7 body", () => {
    const body = `Don’t forget: ${"x".repeat(130)}`;
    expect(segments(body)).toMatchObject({ encoding: "UCS-2", segments: 3 });
    expect(segments(body, { smartEncoding: true })).toMatchObject({ encoding: "GSM-7", segments: 1, smartEncoded: true });
  });

  it("leaves the body as it is when a character has no replacement (an emoji), as Twilio does", () => {
    const body = "It’s done 🎉";
    expect(segments(body, { smartEncoding: true })).toEqual({ ...segments(body), smartEncoded: false });
    expect(segments(body, { smartEncoding: true }).nonGsmCharacters).toEqual(["’", "🎉"]);
  });

  it("reports smartEncoded: false when the body is GSM-7 already, and omits it without the option", () => {
    expect(segments("plain", { smartEncoding: true })).toMatchObject({ encoding: "GSM-7", smartEncoded: false });
    expect(segments("plain", { smartEncoding: true })).not.toHaveProperty("smartEncodedBody");
    expect(segments("“quoted”")).not.toHaveProperty("smartEncoded");
  });

  it("counts replacements that are longer than the original or in the extension table", () => {
    expect(segments("½ price", { smartEncoding: true })).toMatchObject({ smartEncodedBody: "1/2 price", characters: 9, units: 9 });
    expect(segments("［x］～", { smartEncoding: true })).toMatchObject({ smartEncodedBody: "[x]~", characters: 4, units: 7 });
  });

  it("drops invisible characters and maps fullwidth and small-capital letters to ASCII", () => {
    expect(smartEncode("a\u200bb\ufeffc")).toBe("abc");
    expect(smartEncode("ＴＷＩＬＩＯ ０１２ ᴛᴡɪʟɪᴏ")).toBe("TWILIO 012 TWILIO");
  });

  it("replaces every table character with GSM-7 text and never replaces a GSM-7 character", () => {
    expect(SMART_ENCODING_TABLE.size).toBeGreaterThan(250);
    for (const [from, to] of SMART_ENCODING_TABLE) {
      expect(isGsm7(from), `U+${from.codePointAt(0)!.toString(16)}`).toBe(false);
      expect([...to].every(isGsm7), `U+${from.codePointAt(0)!.toString(16)} → ${JSON.stringify(to)}`).toBe(true);
    }
  });
});

describe("segments: bad input", () => {
  it("throws a TypeError naming the argument for a non-string body", () => {
    expect(() => segments(42 as unknown as string)).toThrow(new TypeError("[@twilio-kit/core] segments(body): body must be a string, got number"));
    expect(() => segments(null as unknown as string)).toThrow(/body must be a string, got null/);
  });

  it("throws a TypeError for options that are not an object", () => {
    expect(() => segments("hi", "smart" as never)).toThrow(/options must be an object, got string/);
  });

  it("handles Twilio's 1,600-character maximum and far longer bodies linearly", () => {
    expect(segments("a".repeat(1600))).toMatchObject({ segments: 11, charactersLeftInSegment: 1683 - 1600 });
    expect(segments("é".repeat(1_000_000)).segments).toBe(Math.ceil(1_000_000 / 153));
  });
});
