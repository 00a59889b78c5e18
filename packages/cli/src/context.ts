import type { Io } from "./io.js";

/** What every command gets: the process streams and a signal that fires on Ctrl-C. */
export interface Context {
  io: Io;
  signal: AbortSignal;
}
