// application/x-www-form-urlencoded with repeated keys (`MediaUrl=a&MediaUrl=b`), as twilio-node sends.
import type { Params } from "../engine/util.js";

/** Parses a form body or query string into name → values. Never throws: bad escapes stay literal. */
export function parseForm(text: string): Params {
  const params: Params = Object.create(null) as Params;
  if (!text) return params;
  for (const part of text.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const name = decode(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? "" : decode(part.slice(eq + 1));
    if (!name) continue;
    (params[name] ??= []).push(value);
  }
  return params;
}

function decode(text: string): string {
  const spaced = text.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    // malformed %-escape or lone surrogate: keep the raw text rather than fail the whole request
    return spaced;
  }
}

/** Encodes params as a form body; array values repeat the key. */
export function encodeForm(params: Record<string, string | string[]>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(item)}`);
    }
  }
  return parts.join("&");
}
