// How many SMS segments a body costs, as Twilio counts them (num_segments, and so the price).
// A single SMS carries 140 octets: 160 GSM-7 septets or 70 UCS-2 code units. A longer body is split
// into segments that each lose 6 octets to the concatenation header (UDH), leaving 153 septets or 67
// code units. A character never straddles two segments: an extension-table character (two septets)
// or an emoji (a UTF-16 surrogate pair) that does not fit moves whole to the next segment.
// https://www.twilio.com/docs/glossary/what-sms-character-limit
import { gsm7Septets } from "./gsm7.js";
import { smartEncode } from "./smart-encoding.js";

/** The two encodings an SMS body can go out in. */
export type SmsEncoding = "GSM-7" | "UCS-2";

/** Options of {@link segments}. */
export interface SegmentsOptions {
  /**
   * Apply Twilio's Smart Encoding first (a Messaging Service's `smart_encoding`, or `SmartEncoded=true`
   * on a message): look-alike characters are replaced by GSM-7 ones, when that leaves none outside GSM-7.
   */
  smartEncoding?: boolean;
}

/** The breakdown of a body into SMS segments. */
export interface SmsSegments {
  encoding: SmsEncoding;
  /** Segments the body is sent as (1 for an empty body, as a handset still receives one SMS). */
  segments: number;
  /** Characters (Unicode code points) of the body as sent. */
  characters: number;
  /** Encoded size of the body as sent: septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  /** Capacity of each segment, in units: 160 or 153 (GSM-7), 70 or 67 (UCS-2). */
  unitsPerSegment: 160 | 153 | 70 | 67;
  /**
   * Units still free in the last segment (an extension character takes two in GSM-7, an emoji two in
   * UCS-2); a split that moved a two-unit character on leaves its gap in the earlier segment, not here.
   */
  charactersLeftInSegment: number;
  /** The distinct characters of the body as sent that GSM-7 cannot carry, in order of first appearance. */
  nonGsmCharacters: string[];
  /**
   * With `smartEncoding: true` only: whether Smart Encoding changed the body. False when there was
   * nothing to replace, or when a character without a replacement (an emoji) is left, in which case
   * Twilio sends the original body as UCS-2.
   */
  smartEncoded?: boolean;
  /** With `smartEncoding: true` only, when `smartEncoded`: the body as Twilio sends it after the replacements. */
  smartEncodedBody?: string;
}

interface Measured {
  /** Units of each character, in order. */
  sizes: number[];
  encoding: SmsEncoding;
  nonGsm: string[];
}

function measure(body: string): Measured {
  const septets: number[] = [];
  const nonGsm = new Set<string>();
  for (const char of body) {
    const size = gsm7Septets(char);
    if (size === 0) nonGsm.add(char);
    else septets.push(size);
  }
  if (nonGsm.size === 0) return { sizes: septets, encoding: "GSM-7", nonGsm: [] };
  // UCS-2 as phones and Twilio use it is UTF-16: a character outside the BMP is a surrogate pair (2 units).
  // A lone surrogate is one unit; iterating by code point keeps a pair together.
  const sizes: number[] = [];
  for (const char of body) sizes.push(char.length);
  return { sizes, encoding: "UCS-2", nonGsm: [...nonGsm] };
}

function pack(measured: Measured): Omit<SmsSegments, "nonGsmCharacters" | "smartEncoded" | "smartEncodedBody"> {
  const { sizes, encoding } = measured;
  const isGsm = encoding === "GSM-7";
  let units = 0;
  for (const size of sizes) units += size;
  const single = isGsm ? 160 : 70;
  if (units <= single) {
    return { encoding, segments: 1, characters: sizes.length, units, unitsPerSegment: single, charactersLeftInSegment: single - units };
  }
  const multi = isGsm ? 153 : 67;
  // Greedy, as a handset reassembles them: a character that does not fit opens the next segment.
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > multi) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, segments, characters: sizes.length, units, unitsPerSegment: multi, charactersLeftInSegment: multi - used };
}

/**
 * Counts the SMS segments of a message body, as Twilio does for `num_segments` and the price.
 * @throws TypeError when `body` is not a string.
 * @example
 * import { segments } from "@twilio-kit/core/segments";
 * segments("Hello “world”");                          // { encoding: "UCS-2", segments: 1, … }
 * segments("Hello “world”", { smartEncoding: true }); // { encoding: "GSM-7", smartEncoded: true, … }
 */
export function segments(body: string, options: SegmentsOptions = {}): SmsSegments {
  if (typeof body !== "string") {
    throw new TypeError(`[@twilio-kit/core] segments(body): body must be a string, got ${body === null ? "null" : typeof body}`);
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(`[@twilio-kit/core] segments(body, options): options must be an object, got ${options === null ? "null" : typeof options}`);
  }
  const original = measure(body);
  if (!options.smartEncoding) return { ...pack(original), nonGsmCharacters: original.nonGsm };
  if (original.encoding === "GSM-7") return { ...pack(original), nonGsmCharacters: [], smartEncoded: false };
  const encodedBody = smartEncode(body);
  const encoded = measure(encodedBody);
  // Twilio replaces only when the whole body then fits GSM-7; otherwise the original goes out as UCS-2.
  if (encoded.encoding === "UCS-2") return { ...pack(original), nonGsmCharacters: original.nonGsm, smartEncoded: false };
  return { ...pack(encoded), nonGsmCharacters: [], smartEncoded: true, smartEncodedBody: encodedBody };
}
