/**
 * The exit codes of `twk`: stable, documented in the README, and the same for every command.
 * Scripts can branch on them without parsing messages.
 */
export const EXIT = {
  /** The command did what it was asked. */
  ok: 0,
  /** An unexpected failure inside twk (a bug: please report it). */
  internal: 1,
  /** Bad usage: unknown command or flag, missing or invalid value. Nothing was sent. */
  usage: 2,
  /** No usable credentials, or Twilio rejected them (HTTP 401/403). */
  auth: 3,
  /** Twilio answered with an error (4xx/5xx other than 401/403); the code is in the error output. */
  api: 4,
  /** No answer from the API: DNS, connection refused, timeout. */
  network: 5,
  /** A bulk send finished with failed or unconfirmed rows. */
  partial: 6,
  /** `twk webhook verify`: the signature does not match. */
  mismatch: 7,
  /** Interrupted by Ctrl-C (SIGINT) or SIGTERM. */
  interrupted: 130,
} as const;

/** One of the exit codes above. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
