// Smart Encoding: the look-alike characters Twilio replaces with GSM-7 ones before it picks an encoding.
// The table follows Twilio's published list, "List of characters replaced by Smart Encoding"
// (https://www.twilio.com/docs/messaging/services/smart-encoding-char-list), plus the dashes, ellipsis and
// other punctuation that Twilio's public segment calculator
// (https://twiliodeved.github.io/message-segment-calculator/) also replaces. Written here as data, grouped
// by replacement; each string lists the code points that become that replacement.

/** Replacement → the characters Twilio transliterates to it. */
const GROUPS: ReadonlyArray<readonly [replacement: string, from: string]> = [
  // double quotes: « » “ ” ʺ ˮ ‟ ❝ ❞ 〝 〞 ＂ „
  ['"', "\u00AB\u00BB\u201C\u201D\u02BA\u02EE\u201F\u275D\u275E\u301D\u301E\uFF02\u201E"],
  // apostrophes and single quotes: ‘ ’ ʻ ˈ ʼ ʽ ʹ ‛ ＇ ´ ˊ ` ˋ ❛ ❜ and combining/vertical commas
  ["'", "\u2018\u2019\u02BB\u02C8\u02BC\u02BD\u02B9\u201B\uFF07\u00B4\u02CA\u0060\u02CB\u275B\u275C\u0313\u0314\uFE10\uFE11"],
  // slashes and fractions: ÷ ⧸ ⁄ ∕ ／ and the solidus overlays
  ["/", "\u00F7\u29F8\u0337\u0338\u2044\u2215\uFF0F"],
  ["1/4", "\u00BC"],
  ["1/2", "\u00BD"],
  ["3/4", "\u00BE"],
  ["\\", "\u29F9\u29F5\u20E5\uFE68\uFF3C"],
  ["_", "\u0332\uFF3F"],
  ["|", "\u20D2\u20D3\u2223\uFF5C\u23B8\u23B9\u23D0\u239C\u239F"],
  // hyphens and dashes: ⎼ ⎽ ― ﹣ － ‐ ⁃ – — and the bullet
  ["-", "\u23BC\u23BD\u2015\uFE63\uFF0D\u2010\u2043\u2013\u2014\u2022"],
  ["@", "\uFE6B\uFF20"],
  ["$", "\uFE69\uFF04"],
  ["!", "\u01C3\uFE15\uFE57\uFF01"],
  ["!!", "\u203C"],
  ["#", "\uFE5F\uFF03"],
  ["%", "\uFE6A\uFF05"],
  ["&", "\uFE60\uFF06"],
  [",", "\u201A\u0326\uFE50\uFE51\uFF0C\uFF64\u3001"],
  ["(", "\u2768\u276A\uFE59\uFF08\u27EE\u2985"],
  [")", "\u2769\u276B\uFE5A\uFF09\u27EF\u2986"],
  ["*", "\u204E\u2217\u229B\u2722\u2723\u2724\u2725\u2731\u2732\u2733\u273A\u273B\u273C\u273D\u2743\u2749\u274A\u274B\u29C6\uFE61\uFF0A"],
  ["+", "\u02D6\uFE62\uFF0B"],
  [".", "\u3002\uFE52\uFF0E\uFF61"],
  ["...", "\u2026"],
  [":", "\u02D0\u02F8\u2982\uA789\uFE13\uFF1A"],
  [";", "\u204F\uFE14\uFE54\uFF1B"],
  ["<", "\uFE64\uFF1C\u2039"],
  ["=", "\u0347\uA78A\uFE66\uFF1D"],
  [">", "\uFE65\uFF1E\u203A"],
  ["?", "\uFE16\uFE56\uFF1F"],
  ["^", "\u02C6\u0302\uFF3E\u1DCD"],
  ["{", "\u2774\uFE5B\uFF5B"],
  ["}", "\u2775\uFE5C\uFF5D"],
  ["[", "\uFF3B"],
  ["]", "\uFF3D"],
  ["~", "\u02DC\u02F7\u0303\u0330\u0334\u223C\uFF5E"],
  // Unicode spaces (no-break, en/em, thin, hair, narrow, ideographic…), line/paragraph separators,
  // tab, and the C1 controls that render as a blank
  [" ", "\u00A0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000\u2028\u2029\u0009\u0080\u008D\u0090\u009B\u009F"],
  // invisible: zero-width space, word joiner, byte order mark, and C0 controls outside GSM-7
  ["", "\u200B\u2060\uFEFF\u0000\u0003\u0004\u0010\u0011\u0012\u0013\u0014\u0017\u0019"],
];

/** The small-capital letters Twilio lists, each followed by its ASCII capital (Q and X have none). */
const SMALL_CAPITALS =
  "\u1D00A\u0299B\u1D04C\u1D05D\u1D07E\uA730F\u0262G\u029CH\u026AI\u1D0AJ\u1D0BK\u029FL\u1D0DM" +
  "\u0274N\u1D0FO\u1D18P\u0280R\uA731S\u1D1BT\u1D1CU\u1D20V\u1D21W\u028FY\u1D22Z";

function buildTable(): Map<string, string> {
  const table = new Map<string, string>();
  for (const [replacement, from] of GROUPS) for (const char of from) table.set(char, replacement);
  // fullwidth digits and capital letters (U+FF10–FF19, U+FF21–FF3A) by their ASCII twin
  for (let i = 0; i < 10; i++) table.set(String.fromCharCode(0xff10 + i), String(i));
  for (let i = 0; i < 26; i++) table.set(String.fromCharCode(0xff21 + i), String.fromCharCode(0x41 + i));
  for (let i = 0; i < SMALL_CAPITALS.length; i += 2) table.set(SMALL_CAPITALS[i]!, SMALL_CAPITALS[i + 1]!);
  return table;
}

/** Every character Smart Encoding replaces, with its replacement (possibly several characters, or none). */
export const SMART_ENCODING_TABLE: ReadonlyMap<string, string> = buildTable();

/**
 * Applies Twilio's Smart Encoding replacements to a body: curly quotes become straight ones, dashes a
 * hyphen, `…` three dots, Unicode spaces a space, invisible characters nothing. Characters without a
 * replacement (emoji, other scripts) are kept as they are.
 */
export function smartEncode(body: string): string {
  let out = "";
  for (const char of body) out += SMART_ENCODING_TABLE.get(char) ?? char;
  return out;
}
