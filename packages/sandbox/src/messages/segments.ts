// SMS segmentation: GSM-7 (160 septets, 153 per part) unless a character forces UCS-2 (70, 67 per part).
// Tables from 3GPP TS 23.038; the extension table costs two septets per character.
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED = "^{}\\[~]|€\f";
const basic = new Set(GSM_BASIC);
const extended = new Set(GSM_EXTENDED);

/** Encoding and segment count of a message body. */
export interface Segmentation {
  encoding: "GSM-7" | "UCS-2";
  segments: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
}

/** Counts the SMS segments of a body as a handset would receive it. */
export function segment(body: string): Segmentation {
  let septets = 0;
  let isGsm = true;
  for (const char of body) {
    if (basic.has(char)) septets += 1;
    else if (extended.has(char)) septets += 2;
    else {
      isGsm = false;
      break;
    }
  }
  if (isGsm) {
    return { encoding: "GSM-7", units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
  }
  // UCS-2 counts UTF-16 code units; an emoji (surrogate pair) takes two
  const units = body.length;
  return { encoding: "UCS-2", units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}
