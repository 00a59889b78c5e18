// Credentials with no structure: every character from the CSPRNG, nothing derived from a SID or a clock.
import { randomBytes, randomInt } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** An API key secret as Twilio shows them: 32 characters of [A-Za-z0-9], uniformly random. */
export function randomKeySecret(): string {
  let out = "";
  // randomInt rejects biased draws itself, so every character is uniform over the 62
  for (let i = 0; i < 32; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

/** An auth token as Twilio shows them: 32 lowercase hex digits (128 random bits). */
export function randomAuthToken(): string {
  return randomBytes(16).toString("hex");
}
