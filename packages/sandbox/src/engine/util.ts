// Small helpers shared by the resources: dates, SIDs, E.164, media types.
import { createHash, randomBytes } from "node:crypto";

/** RFC 2822 date as Twilio writes it: `Thu, 24 Aug 2023 05:01:45 +0000`. */
export function rfc2822(ms: number): string {
  // every create and status change formats "now": reuse the string within the same second
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastText = new Date(second * 1000).toUTCString().replace("GMT", "+0000");
  }
  return lastText;
}
let lastSecond = Number.NaN;
let lastText = "";

/** ISO 8601 without milliseconds, as the newer APIs (Monitor, Messaging, Verify) write dates: `2015-07-30T20:00:00Z`. */
export function iso8601(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Makes SIDs: unique and roughly time-ordered by default, reproducible from a seed (for snapshot-style tests). */
export interface SidFactory {
  (prefix: string): string;
}

/** Creates a SID factory; with a seed the same sequence of calls yields the same SIDs. */
export function createSidFactory(seed?: string): SidFactory {
  if (seed !== undefined) {
    let counter = 0;
    return (prefix) => prefix + createHash("sha1").update(`${seed}:${counter++}`).digest("hex").slice(0, 32);
  }
  // 12 hex digits of wall-clock milliseconds, then 80 random bits: new SIDs land at the end of the
  // SID index instead of on a random page, which halves the bytes a burst of creates writes.
  // One randomBytes call per 256 SIDs: crypto calls dominate a message create otherwise.
  let pool = Buffer.alloc(0);
  let offset = 0;
  return (prefix) => {
    if (offset + 10 > pool.length) {
      pool = randomBytes(10 * 256);
      offset = 0;
    }
    const hex = pool.toString("hex", offset, offset + 10);
    offset += 10;
    return prefix + Date.now().toString(16).padStart(12, "0") + hex;
  };
}

const E164 = /^\+[1-9]\d{6,14}$/;

/** Whether the value is an E.164 phone number (`+` and 7–15 digits). */
export function isE164(value: string): boolean {
  return E164.test(value);
}

/** Strips a channel prefix (`whatsapp:+1…` → `+1…`). */
export function bareNumber(value: string): string {
  const colon = value.indexOf(":");
  return colon === -1 ? value : value.slice(colon + 1);
}

/** `(500) 555-0006` for NANP numbers, the number itself otherwise (Twilio's `*_formatted`). */
export function formatNumber(value: string): string {
  const match = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(value);
  return match ? `(${match[1]}) ${match[2]}-${match[3]}` : value;
}

const MEDIA_TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  mp3: "audio/mpeg",
  mp4: "video/mp4",
  pdf: "application/pdf",
  vcf: "text/vcard",
  txt: "text/plain",
};

/** Guesses a media content type from the URL's extension (the sandbox never downloads media). */
export function mediaContentType(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // not a URL: fall back to the raw string
  }
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return (ext && MEDIA_TYPES[ext]) || "image/jpeg";
}

/** Whether the value is an absolute http(s) URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** The first value of a parameter, or undefined. */
export function first(params: Params, name: string): string | undefined {
  return params[name]?.[0];
}

/** Decoded request parameters: every name maps to all its values, in order. */
export type Params = Record<string, string[]>;
/** Resolves a (possibly relative) TwiML URL against the document's URL. */
export function resolveUrl(value: string, base: string): string | undefined {
  try {
    const url = new URL(value, base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

