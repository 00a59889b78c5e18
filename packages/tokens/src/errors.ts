// Misuse is a TypeError that names the option, like core's `[@twilio-kit/core] …` messages. Values are
// never quoted: an option may hold a secret.

/** The TypeError thrown for a missing or invalid option, e.g. `grants.video.room must be a string`. */
export function invalid(option: string, problem: string): TypeError {
  return new TypeError(`[@twilio-kit/tokens] ${option} ${problem}`);
}

/**
 * Asserts a condition on an option.
 * @throws TypeError `<option> must be <expected>` when `ok` is falsy.
 */
export function check(ok: unknown, option: string, expected: string): asserts ok {
  // Not through invalid(): one function less in every bundle
  if (!ok) throw new TypeError(`[@twilio-kit/tokens] ${option} must be ${expected}`);
}
