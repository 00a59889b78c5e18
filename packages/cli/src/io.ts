// Where output goes. Data on stdout, diagnostics on stderr; writes wait for the pipe to drain so a
// streamed list never piles up in memory when the reader (`| head`, a slow disk) is slower than us.
import type { Writable } from "node:stream";
import { isatty } from "node:tty";

/** The process streams and terminal facts one command run needs. */
export interface Io {
  /** Writes data to stdout, waiting when the pipe is full. */
  out(text: string): Promise<void>;
  /** Writes a diagnostic to stderr (never data). */
  err(text: string): void;
  /** stdout is a terminal: default to tables, colours and progress bars. */
  readonly isOutTty: boolean;
  /** stderr is a terminal: progress bars and hints go there. */
  readonly isErrTty: boolean;
  /** stdin is a terminal: prompts are allowed. */
  readonly isInTty: boolean;
  /** Colours are allowed (TTY, no NO_COLOR, no --no-color). */
  color: boolean;
  readonly env: NodeJS.ProcessEnv;
}

function writer(stream: Writable): (text: string) => Promise<void> {
  return (text) =>
    new Promise((resolve, reject) => {
      if (text === "") return resolve();
      const ok = stream.write(text, (error) => (error ? reject(error) : undefined));
      if (ok) resolve();
      else stream.once("drain", resolve);
    });
}

/**
 * The Io of this process. stdin and stderr are touched only when used: creating their streams loads
 * Node's net/tty internals, about 10 ms of a ~40 ms `twk --help`.
 */
export function processIo(): Io {
  const { stdout, env } = process;
  // A closed pipe (`twk api messages list --no-limit | head`) is a normal end, not an error.
  stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  const isOutTty = isatty(1);
  return {
    out: writer(stdout),
    err: (text) => void process.stderr.write(text),
    isOutTty,
    isErrTty: isatty(2),
    isInTty: isatty(0),
    color: isOutTty && !env.NO_COLOR && env.TERM !== "dumb",
    env,
  };
}
