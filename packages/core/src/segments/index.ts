/**
 * @twilio-kit/core/segments: SMS segments and Smart Encoding as Twilio counts them; pure, no dependencies.
 * @example
 * import { segments } from "@twilio-kit/core/segments";
 * const { encoding, segments: count, charactersLeftInSegment } = segments("Your code is 123456");
 */
export { segments, type SegmentsOptions, type SmsEncoding, type SmsSegments } from "./segments.js";
export { SMART_ENCODING_TABLE, smartEncode } from "./smart-encoding.js";
export { gsm7Septets, isGsm7 } from "./gsm7.js";
