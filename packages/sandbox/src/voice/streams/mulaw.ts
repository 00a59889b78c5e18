// The audio of a Media Stream: G.711 μ-law at 8 kHz, 20 ms (160 bytes) per media frame. The sandbox
// has no real audio, so frames are silence, or a 440 Hz tone while someone is speaking: an app can
// tell the two apart with any voice-activity check.

/** Samples per 20 ms frame at 8 kHz. */
export const FRAME_SAMPLES = 160;
/** Milliseconds per media frame. */
export const FRAME_MS = 20;
/** μ-law bytes per millisecond of audio (8 kHz, one byte a sample). */
export const BYTES_PER_MS = 8;

const BIAS = 0x84;
const CLIP = 32635;

/** Encodes one 16-bit linear PCM sample as μ-law (ITU-T G.711). */
export function linearToMulaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(Math.round(sample)), CLIP) + BIAS;
  let exponent = 7;
  // the exponent is the position of the highest set bit above the 8-bit mantissa window
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = ~(sign | (exponent << 4) | mantissa);
  return magnitude & 0xff;
}

/** One frame of silence (μ-law 0xFF is zero amplitude), base64. */
export const SILENCE_FRAME = Buffer.alloc(FRAME_SAMPLES, 0xff).toString("base64");

// 440 Hz repeats exactly every 5 frames (440 × 0.1 s = 44 cycles), so five frames loop without a click.
const TONE_FRAMES: readonly string[] = Array.from({ length: 5 }, (_, frame) => {
  const bytes = Buffer.alloc(FRAME_SAMPLES);
  for (let i = 0; i < FRAME_SAMPLES; i++) {
    const t = (frame * FRAME_SAMPLES + i) / 8000;
    bytes[i] = linearToMulaw(8000 * Math.sin(2 * Math.PI * 440 * t));
  }
  return bytes.toString("base64");
});

/** The `chunk`-th tone frame (1-based, as media chunks count), base64. */
export function toneFrame(chunk: number): string {
  return TONE_FRAMES[(chunk - 1) % TONE_FRAMES.length]!;
}
