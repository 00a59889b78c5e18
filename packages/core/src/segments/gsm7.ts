// The GSM 03.38 default alphabet and its extension table, as 3GPP TS 23.038 §6.2.1 lists them.
// A character of the basic table costs one septet; one of the extension table costs two (the 0x1B
// escape, then its code), and a handset never receives the two halves in different segments.

/**
 * The 127 characters of the basic table, in code order (0x00–0x7F). 0x1B is left out on purpose:
 * it is the escape to the extension table, not a character a body can carry.
 */
const BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ" + // 0x00–0x1A
  "ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" + // 0x1C–0x3F
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§" + // 0x40–0x5F
  "¿abcdefghijklmnopqrstuvwxyzäöñüà"; // 0x60–0x7F

/** The extension table's characters: form feed, ^ { } \ [ ~ ] | and the euro sign. */
const EXTENSION = "\f^{}\\[~]|€";

const basic = new Set(BASIC);
const extension = new Set(EXTENSION);

/**
 * Septets one character costs in GSM-7: 1 (basic table), 2 (extension table), or 0 when GSM-7
 * cannot carry it at all (the body must then go out as UCS-2).
 */
export function gsm7Septets(char: string): 0 | 1 | 2 {
  if (basic.has(char)) return 1;
  if (extension.has(char)) return 2;
  return 0;
}

/** Is this character (one code point) in the GSM-7 basic or extension table? */
export function isGsm7(char: string): boolean {
  return gsm7Septets(char) !== 0;
}
