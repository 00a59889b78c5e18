// Turns a finished HTTP exchange into the parsed JSON body or a TwilioApiError. Twilio answers JSON on
// every route we request, so anything else (an HTML page from a proxy or gateway, Twilio's XML
// `<RestException>`, a captive portal) gets an error naming the status and content type instead of
// a bare JSON parse error.
import { createApiError, type TwilioApiError, type TwilioErrorBody } from "./errors.js";
import type { HttpResponse } from "./transport.js";

/** Longest excerpt of a non-JSON body quoted in an error message. */
const EXCERPT_CHARS = 160;

function tagText(source: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, "i").exec(source);
  return match?.[1]?.replace(/\s+/g, " ").trim() || undefined;
}

/** A short readable excerpt: an HTML page's title, or the text with tags stripped. */
function excerptOf(text: string): string {
  const title = tagText(text, "title") ?? tagText(text, "h1");
  const plain = title ?? text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  return plain.length > EXCERPT_CHARS ? `${plain.slice(0, EXCERPT_CHARS)}…` : plain;
}

/** Twilio's own XML error (`<TwilioResponse><RestException>…`), read into the JSON error shape. */
function restExceptionOf(text: string): TwilioErrorBody | undefined {
  const exception = tagText(text, "RestException");
  if (!exception) return undefined;
  const code = Number(tagText(exception, "Code"));
  return {
    code: Number.isInteger(code) && code > 0 ? code : undefined,
    message: tagText(exception, "Message"),
    more_info: tagText(exception, "MoreInfo"),
  };
}

/** The error body for an answer that is not JSON: what came instead, and what it said. */
function nonJsonBody(response: HttpResponse): TwilioErrorBody {
  const contentType = response.headers.get("content-type")?.split(";")[0]?.trim() || "no content type";
  const fromTwilio = restExceptionOf(response.text);
  const said = fromTwilio?.message ?? excerptOf(response.text);
  const prefix = `the answer was ${contentType}, not JSON`;
  // An HTML page almost always comes from something between us and Twilio.
  const hint = /html/i.test(contentType) ? " (likely from a proxy or gateway, not Twilio)" : "";
  return { ...fromTwilio, message: `${prefix}${hint}${said ? `: ${said}` : ""}` };
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** Builds the API error for a non-2xx answer (or a 2xx answer that is not JSON). */
export function answerError(response: HttpResponse, method: string, url: string): TwilioApiError {
  const parsed = parseJson(response.text);
  const isObject = typeof parsed?.value === "object" && parsed.value !== null;
  const body = isObject ? (parsed!.value as TwilioErrorBody) : response.text === "" ? undefined : nonJsonBody(response);
  return createApiError({ status: response.status, body, rawBody: response.text, headers: response.headers, method, url });
}

/**
 * The parsed JSON of a 2xx answer; undefined for 204 and empty bodies.
 * @throws TwilioApiError for a non-2xx answer or a body that is not JSON.
 */
export function readAnswer(response: HttpResponse, method: string, url: string): unknown {
  if (response.status >= 200 && response.status < 300) {
    if (response.status === 204 || response.text === "") return undefined;
    const parsed = parseJson(response.text);
    if (parsed) return parsed.value;
  }
  throw answerError(response, method, url);
}
