// Group commit: every write joins one transaction per event-loop turn, committed in setImmediate.
// Requests that arrive together share one WAL append; each answer waits for `flushed()`, so an
// acknowledged write is committed (and survives kill -9) before the client hears about it.
import type { SqliteDatabase as Database } from "./store.js";

/** Creates the group-commit machinery of one connection; `onRollback` runs when a group is undone. */
export function createWriteGroup(db: Database, onCommitError: (error: Error) => void, onRollback: () => void) {
  const beginStmt = db.prepare("BEGIN");
  const commitStmt = db.prepare("COMMIT");
  const savepointStmt = db.prepare("SAVEPOINT atomic");
  const releaseStmt = db.prepare("RELEASE atomic");
  const rollbackToStmt = db.prepare("ROLLBACK TO atomic");
  let isCommitPending = false;
  let waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

  function commit(): void {
    isCommitPending = false;
    const ready = waiters;
    waiters = [];
    let failure: Error | undefined;
    try {
      if (db.open && db.inTransaction) commitStmt.run();
    } catch (error) {
      // Runs in setImmediate: a throw here would be an uncaught exception that kills the server and
      // leaves every waiter hanging. Undo the group instead, and fail exactly the writes it held.
      failure = error as Error;
      try {
        if (db.inTransaction) db.exec("ROLLBACK");
      } catch {
        // already rolled back by SQLite (some errors end the transaction themselves)
      }
      onRollback();
      onCommitError(failure);
    }
    for (const waiter of ready) {
      if (failure) waiter.reject(new Error(`[@twilio-kit/sandbox] the write was not saved: COMMIT failed (${failure.message})`, { cause: failure }));
      else waiter.resolve();
    }
  }

  /** Opens the group transaction if needed and schedules its commit. */
  function begin(): void {
    if (!db.inTransaction) beginStmt.run();
    if (!isCommitPending) {
      isCommitPending = true;
      setImmediate(commit);
    }
  }

  /** Runs `fn` atomically inside the current group transaction (a savepoint: all or nothing). */
  function transaction<T>(fn: () => T): T {
    begin();
    savepointStmt.run();
    try {
      const result = fn();
      releaseStmt.run();
      return result;
    } catch (error) {
      rollbackToStmt.run();
      releaseStmt.run();
      onRollback();
      throw error;
    }
  }

  /** Resolves once every write made so far is committed. */
  function flushed(): Promise<void> {
    if (!isCommitPending) return Promise.resolve();
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  }

  return { begin, commit, transaction, flushed };
}
