// Generators shared by the differential suites: text that stresses JSON and UTF-8 (non-ASCII,
// astral, control characters, quotes, lone surrogates), SIDs, and the pinned clock.
import fc from "fast-check";

/** Any UTF-16 code unit, lone surrogates included (JSON.stringify escapes those). */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

/** Text: mostly plain, sometimes any code point, sometimes raw code units. */
export const text = (minLength = 0) =>
  fc.oneof(
    { arbitrary: fc.constantFrom("alice", "bob@example.com", "Zoë", "用户", "😀 party", 'quote"back\\slash', "tab\tnew\nline", "</script>", "daily"), weight: 2 },
    { arbitrary: fc.string({ unit: "binary", minLength, maxLength: 12 }), weight: 3 },
    { arbitrary: fc.string({ unit: codeUnit, minLength, maxLength: 8 }), weight: 1 },
  );

/** Well-formed text (no lone surrogates), for values that go through percent-encoding. */
export const wellFormed = (minLength = 0) =>
  fc.oneof(
    { arbitrary: fc.constantFrom("alice", "a b", "x&y=z", "Zoë", "用户", "😀", "~!*()'", "%20", "+"), weight: 2 },
    { arbitrary: fc.string({ unit: "binary", minLength, maxLength: 12 }), weight: 3 },
  );

/** A SID with the given prefix. */
export const sid = (prefix: string) => fc.stringMatching(/^[0-9a-f]{32}$/).map((hex) => prefix + hex);

/** A secret: hex like Twilio's, or any text (non-ASCII secrets are hashed as UTF-8 by both). */
export const secret = fc.oneof(fc.stringMatching(/^[0-9a-zA-Z]{32}$/), fc.string({ unit: "binary", minLength: 1, maxLength: 40 }));

/** A clock in milliseconds, sub-second part included (iat floors it). */
export const clockMs = fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 });

/** A JSON object (params, filters, playback grants) as users would pass. */
export const jsonObject = fc.dictionary(wellFormed(1), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 4 });
