// The bulk send journal: an append-only NDJSON file, fsync'd after every record, so a crash loses at
// most the outcome of requests in flight — and those are reconciled against the API on resume.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";

/** One journal record. */
export type JournalRecord =
  | { t: "start"; v: 1; input: string; rows: number }
  | { t: "send"; row: number; at: string }
  | { t: "ok"; row: number; sid: string; reconciled?: true }
  | { t: "fail"; row: number; status?: number; code?: number; message: string };

/** What a journal says about each row. */
export interface JournalState {
  input?: string;
  /** Rows with a final outcome. */
  done: Map<number, Extract<JournalRecord, { t: "ok" | "fail" }>>;
  /** Rows whose request may have reached Twilio but whose outcome was not recorded. */
  inFlight: Map<number, string>;
}

/** Reads a journal; a torn last line (crash mid-write) is ignored. */
export function readJournal(path: string): JournalState {
  const state: JournalState = { done: new Map(), inFlight: new Map() };
  if (!existsSync(path)) return state;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line) continue;
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      continue;
    }
    if (record.t === "start") state.input = record.input;
    else if (record.t === "send") {
      if (!state.done.has(record.row)) state.inFlight.set(record.row, record.at);
    } else {
      state.done.set(record.row, record);
      state.inFlight.delete(record.row);
    }
  }
  return state;
}

/** An open journal. */
export interface Journal {
  append(record: JournalRecord): void;
  close(): void;
}

/** Opens a journal for appending. */
export function openJournal(path: string): Journal {
  const fd = openSync(path, "a", 0o600);
  return {
    append(record) {
      writeSync(fd, `${JSON.stringify(record)}\n`);
      // Durable before the request goes out (send) and before the row counts as done (ok/fail).
      fsyncSync(fd);
    },
    close() {
      closeSync(fd);
    },
  };
}
