// SQLite storage: one table of resources (JSON documents with a few indexed columns), a job table
// for the virtual clock, and the webhook delivery log. WAL mode: a write the API acknowledged is in
// the WAL before the response is sent, so it survives a restart and a `kill -9` of the process.
import Database from "better-sqlite3";

/** The better-sqlite3 connection (named so declarations can refer to it). */
export type SqliteDatabase = Database.Database;

/** A stored resource: the wire object plus internal `_`-prefixed fields that never leave the server. */
export type Doc = Record<string, unknown> & { sid: string };

/** Resource kinds and what their indexed columns hold. */
export type Kind = "account" | "key" | "number" | "message" | "media" | "call" | "recording" | "alert" | "verify_service" | "verification" | "messaging_service" | "service_sender" | "conv_service" | "conversation" | "conv_participant" | "conv_message" | "conv_address" | "conv_user"
  | "application" | "queue" | "queue_member" | "conference" | "participant";

/** Indexed columns of a document: owner, parent, two lookup keys and a date for range filters. */
export interface DocKeys {
  account_sid: string;
  parent_sid?: string | null;
  key1?: string | null;
  key2?: string | null;
  date_ms?: number | null;
}

/** Filters of `list`; all optional. Seq bounds implement page tokens. */
export interface ListQuery {
  accountSid?: string | string[];
  parentSid?: string;
  key1?: string;
  key2?: string;
  dateFrom?: number;
  dateTo?: number;
  /** Items strictly after this seq in list order. */
  afterSeq?: number;
  /** Items strictly before this seq in list order. */
  beforeSeq?: number;
  /** Equality on top-level fields of the stored document (`status`). */
  fields?: Record<string, string>;
  offset?: number;
  limit: number;
  /** Newest first (messages, calls) or oldest first (numbers, accounts). */
  order: "asc" | "desc";
}

/** A listed document with its position, for page tokens. */
export interface ListedDoc {
  seq: number;
  doc: Doc;
}

/** A scheduled job of the virtual clock. */
export interface Job {
  id: number;
  due: number;
  kind: string;
  ref: string;
  data: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  sid TEXT NOT NULL UNIQUE,
  account_sid TEXT NOT NULL,
  parent_sid TEXT,
  key1 TEXT,
  key2 TEXT,
  date_ms INTEGER,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_account ON docs (kind, account_sid, seq);
CREATE INDEX IF NOT EXISTS docs_key1 ON docs (kind, key1);
CREATE INDEX IF NOT EXISTS docs_parent ON docs (kind, parent_sid) WHERE parent_sid IS NOT NULL;
CREATE TABLE IF NOT EXISTS jobs (id INTEGER PRIMARY KEY, due INTEGER NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL, data TEXT);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (due, id);
CREATE INDEX IF NOT EXISTS jobs_ref ON jobs (ref);
CREATE TABLE IF NOT EXISTS deliveries (id INTEGER PRIMARY KEY, ref TEXT, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS deliveries_ref ON deliveries (ref);
`;

/** Most entries the read cache (accounts, keys, numbers, meta) holds; beyond that the oldest goes. */
export const MAX_CACHED_READS = 5000;

/** Says on stderr that a group of writes was lost (the callers waiting for it get the error too). */
function reportCommitError(error: Error): void {
  process.emitWarning(`[@twilio-kit/sandbox] COMMIT failed, the writes of the last group were rolled back: ${error.message}`);
}

/** Opens (or creates) the database and prepares every statement the hot paths use. */
export function openStore(file: string, onCommitError: (error: Error) => void = reportCommitError) {
  const db: SqliteDatabase = new Database(file);
  if (file !== ":memory:") db.pragma("journal_mode = WAL");
  // OFF: a commit hands its WAL frames to the OS before the answer goes out, so it survives a crash or
  // `kill -9` of the process; nothing is fsynced, so an OS crash or power loss can lose recent writes.
  // NORMAL would fsync at every checkpoint: measured, those stalls cost half of all write time.
  db.pragma("synchronous = OFF");
  // one checkpoint per ~40 MiB of WAL instead of per 4 MiB keeps bursts of writes fast
  db.pragma("wal_autocheckpoint = 10000");
  db.pragma("journal_size_limit = 67108864");
  db.pragma("foreign_keys = OFF");
  db.exec(SCHEMA);

  const insertDoc = db.prepare(
    "INSERT INTO docs (kind, sid, account_sid, parent_sid, key1, key2, date_ms, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const updateDoc = db.prepare("UPDATE docs SET account_sid = ?, parent_sid = ?, key1 = ?, key2 = ?, date_ms = ?, data = ? WHERE sid = ? AND kind = ?");
  const selectDoc = db.prepare("SELECT data FROM docs WHERE sid = ? AND kind = ?").pluck();
  const selectSeq = db.prepare("SELECT seq FROM docs WHERE sid = ?").pluck();
  const selectBySeq = db.prepare("SELECT data FROM docs WHERE seq = ? AND kind = ?").pluck();
  const deleteDoc = db.prepare("DELETE FROM docs WHERE sid = ? AND kind = ?");
  const deleteChildren = db.prepare("DELETE FROM docs WHERE parent_sid = ? AND kind = ?");
  const selectByKey1 = db.prepare("SELECT data FROM docs WHERE kind = ? AND key1 = ? ORDER BY seq").pluck();
  const insertJob = db.prepare("INSERT INTO jobs (due, kind, ref, data) VALUES (?, ?, ?, ?)");
  const nextJobs = db.prepare("SELECT id, due, kind, ref, data FROM jobs WHERE due <= ? ORDER BY due, id LIMIT ?");
  const minDue = db.prepare("SELECT MIN(due) FROM jobs").pluck();
  const deleteJob = db.prepare("DELETE FROM jobs WHERE id = ?");
  const moveJobStmt = db.prepare("UPDATE jobs SET due = ?, data = ? WHERE id = ?");
  // a status change keeps owner and lookup keys: rewriting only data and date leaves the key indexes alone
  const updateDataStmt = db.prepare("UPDATE docs SET date_ms = ?, data = ? WHERE sid = ? AND kind = ?");
  const deleteJobsOf = db.prepare("DELETE FROM jobs WHERE ref = ?");
  const deleteJobsOfKind = db.prepare("DELETE FROM jobs WHERE ref = ? AND kind = ?");
  const insertDelivery = db.prepare("INSERT INTO deliveries (ref, data) VALUES (?, ?)");
  const getMeta = db.prepare("SELECT value FROM meta WHERE key = ?").pluck();
  const setMeta = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  const deleteMetaKey = db.prepare("DELETE FROM meta WHERE key = ?");
  const listCache = new Map<string, Database.Statement>();

  // Accounts and numbers are read on every request and written rarely: keep parsed copies.
  // Cached documents are shared: callers must not mutate what `cached`/`findByKey1` return.
  // Only hits are cached (a miss is one indexed lookup; caching misses would grow with every unknown
  // SID, number or opt-out pair a client sends), and at most MAX_CACHED_READS of them.
  const CACHED_KINDS = new Set<Kind>(["account", "key", "number"]);
  const readCache = new Map<string, unknown>();
  function remember(key: string, value: unknown): void {
    if (readCache.size >= MAX_CACHED_READS) readCache.delete(readCache.keys().next().value!);
    readCache.set(key, value);
  }
  function touched(kind: Kind): void {
    if (CACHED_KINDS.has(kind)) readCache.clear();
  }

  // Group commit: every write joins one transaction per event-loop turn, committed in setImmediate.
  // Requests that arrive together share one WAL append; each answer waits for `flushed()`, so an
  // acknowledged write is committed (and survives kill -9) before the client hears about it.
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
      readCache.clear();
      onCommitError(failure);
    }
    for (const waiter of ready) {
      if (failure) waiter.reject(new Error(`[@twilio-kit/sandbox] the write was not saved: COMMIT failed (${failure.message})`, { cause: failure }));
      else waiter.resolve();
    }
  }
  function begin(): void {
    if (!db.inTransaction) beginStmt.run();
    if (!isCommitPending) {
      isCommitPending = true;
      setImmediate(commit);
    }
  }

  function serialize(doc: Doc): string {
    return JSON.stringify(doc);
  }

  return {
    db: db as SqliteDatabase,
    /** Runs `fn` atomically inside the current group transaction (a savepoint: all or nothing). */
    transaction<T>(fn: () => T): T {
      begin();
      savepointStmt.run();
      try {
        const result = fn();
        releaseStmt.run();
        return result;
      } catch (error) {
        rollbackToStmt.run();
        releaseStmt.run();
        // a rolled-back write may have touched cached documents
        readCache.clear();
        throw error;
      }
    },
    /** Stores a new document; returns its seq. */
    insert(kind: Kind, doc: Doc, keys: DocKeys): number {
      begin();
      touched(kind);
      return Number(insertDoc.run(kind, doc.sid, keys.account_sid, keys.parent_sid ?? null, keys.key1 ?? null, keys.key2 ?? null, keys.date_ms ?? null, serialize(doc)).lastInsertRowid);
    },
    update(kind: Kind, doc: Doc, keys: DocKeys): void {
      begin();
      touched(kind);
      updateDoc.run(keys.account_sid, keys.parent_sid ?? null, keys.key1 ?? null, keys.key2 ?? null, keys.date_ms ?? null, serialize(doc), doc.sid, kind);
    },
    /** `update` for a change that keeps every indexed key except the date (message status changes). */
    updateData(kind: Kind, doc: Doc, dateMs: number | null): void {
      begin();
      touched(kind);
      updateDataStmt.run(dateMs, serialize(doc), doc.sid, kind);
    },
    get<T extends Doc = Doc>(kind: Kind, sid: string): T | undefined {
      const data = selectDoc.get(sid, kind) as string | undefined;
      return data === undefined ? undefined : (JSON.parse(data) as T);
    },
    seqOf(sid: string): number | undefined {
      return selectSeq.get(sid) as number | undefined;
    },
    bySeq<T extends Doc = Doc>(kind: Kind, seq: number): T | undefined {
      const data = selectBySeq.get(seq, kind) as string | undefined;
      return data === undefined ? undefined : (JSON.parse(data) as T);
    },
    remove(kind: Kind, sid: string): boolean {
      begin();
      touched(kind);
      return deleteDoc.run(sid, kind).changes > 0;
    },
    removeChildren(kind: Kind, parentSid: string): void {
      begin();
      deleteChildren.run(parentSid, kind);
    },
    /** Documents by their first key (numbers by E.164); cached for numbers, so read-only. */
    findByKey1<T extends Doc = Doc>(kind: Kind, key1: string): readonly T[] {
      const cacheKey = `k:${kind}:${key1}`;
      const hit = CACHED_KINDS.has(kind) ? readCache.get(cacheKey) : undefined;
      if (hit !== undefined) return hit as T[];
      const docs = (selectByKey1.all(kind, key1) as string[]).map((data) => JSON.parse(data) as T);
      if (CACHED_KINDS.has(kind) && docs.length > 0) remember(cacheKey, docs);
      return docs;
    },
    /** `get` through the read cache, for accounts, keys and numbers: the result is shared, read-only. */
    cached<T extends Doc = Doc>(kind: Kind, sid: string): Readonly<T> | undefined {
      const cacheKey = `d:${kind}:${sid}`;
      const hit = readCache.get(cacheKey);
      if (hit !== undefined) return hit as T;
      const data = selectDoc.get(sid, kind) as string | undefined;
      const doc = data === undefined ? undefined : (JSON.parse(data) as T);
      if (CACHED_KINDS.has(kind) && doc !== undefined) remember(cacheKey, doc);
      return doc;
    },
    list<T extends Doc = Doc>(kind: Kind, query: ListQuery): Array<{ seq: number; doc: T }> {
      const where = ["kind = ?"];
      const args: unknown[] = [kind];
      if (query.accountSid !== undefined) {
        const sids = Array.isArray(query.accountSid) ? query.accountSid : [query.accountSid];
        where.push(`account_sid IN (${sids.map(() => "?").join(", ")})`);
        // a loop, not a spread: the account list of a parent with many subaccounts has no fixed bound
        for (const sid of sids) args.push(sid);
      }
      if (query.parentSid !== undefined) (where.push("parent_sid = ?"), args.push(query.parentSid));
      if (query.key1 !== undefined) (where.push("key1 = ?"), args.push(query.key1));
      if (query.key2 !== undefined) (where.push("key2 = ?"), args.push(query.key2));
      if (query.dateFrom !== undefined) (where.push("date_ms >= ?"), args.push(query.dateFrom));
      if (query.dateTo !== undefined) (where.push("date_ms < ?"), args.push(query.dateTo));
      for (const [field, value] of Object.entries(query.fields ?? {})) {
        if (!/^[a-z_]+$/.test(field)) throw new TypeError(`[@twilio-kit/sandbox] bad field filter ${field}`);
        where.push(`json_extract(data, '$.${field}') = ?`);
        args.push(value);
      }
      const desc = query.order === "desc";
      if (query.afterSeq !== undefined) (where.push(desc ? "seq < ?" : "seq > ?"), args.push(query.afterSeq));
      // a "before" bound walks backwards from the cursor, then the page is reversed into list order
      const backwards = query.beforeSeq !== undefined && query.afterSeq === undefined;
      if (query.beforeSeq !== undefined) (where.push(desc ? "seq > ?" : "seq < ?"), args.push(query.beforeSeq));
      const direction = desc !== backwards ? "DESC" : "ASC";
      const sql = `SELECT seq, data FROM docs WHERE ${where.join(" AND ")} ORDER BY seq ${direction} LIMIT ? OFFSET ?`;
      let statement = listCache.get(sql);
      if (!statement) listCache.set(sql, (statement = db.prepare(sql)));
      const rows = statement.all(...args, query.limit, query.offset ?? 0) as Array<{ seq: number; data: string }>;
      const listed = rows.map((row) => ({ seq: row.seq, doc: JSON.parse(row.data) as T }));
      return backwards ? listed.reverse() : listed;
    },
    addJob(due: number, kind: string, ref: string, data?: unknown): void {
      begin();
      insertJob.run(due, kind, ref, data === undefined ? null : JSON.stringify(data));
    },
    dueJobs(until: number, limit: number): Job[] {
      return nextJobs.all(until, limit) as Job[];
    },
    nextDue(): number | undefined {
      return (minDue.get() as number | null) ?? undefined;
    },
    /** Reschedules a job in place: cheaper than a delete and an insert (no `ref` index write). */
    moveJob(id: number, due: number, data?: unknown): void {
      begin();
      moveJobStmt.run(due, data === undefined ? null : JSON.stringify(data), id);
    },
    removeJob(id: number): void {
      begin();
      deleteJob.run(id);
    },
    cancelJobs(ref: string, kind?: string): void {
      begin();
      if (kind) deleteJobsOfKind.run(ref, kind);
      else deleteJobsOf.run(ref);
    },
    logDelivery(ref: string, entry: unknown): number {
      begin();
      return Number(insertDelivery.run(ref, JSON.stringify(entry)).lastInsertRowid);
    },
    deliveries(options: { ref?: string; limit: number; afterId?: number }): unknown[] {
      const where: string[] = [];
      const args: unknown[] = [];
      if (options.ref) (where.push("ref = ?"), args.push(options.ref));
      if (options.afterId !== undefined) (where.push("id > ?"), args.push(options.afterId));
      const sql = `SELECT id, data FROM deliveries ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
      const rows = db.prepare(sql).all(...args, options.limit) as Array<{ id: number; data: string }>;
      return rows.reverse().map((row) => ({ id: row.id, ...(JSON.parse(row.data) as object) }));
    },
    meta(key: string): string | undefined {
      // read on every message create (opt-outs): hits cached until a meta write
      const cacheKey = `m:${key}`;
      const hit = readCache.get(cacheKey);
      if (hit !== undefined) return hit as string;
      const value = getMeta.get(key) as string | undefined;
      if (value !== undefined) remember(cacheKey, value);
      return value;
    },
    setMeta(key: string, value: string): void {
      begin();
      readCache.clear();
      setMeta.run(key, value);
    },
    deleteMeta(key: string): void {
      begin();
      readCache.clear();
      deleteMetaKey.run(key);
    },
    /** Deletes everything: documents, jobs, deliveries, meta. */
    wipe(): void {
      begin();
      readCache.clear();
      db.exec("DELETE FROM docs; DELETE FROM jobs; DELETE FROM deliveries; DELETE FROM meta;");
    },
    /** How many reads are cached (bounded by `MAX_CACHED_READS`; misses are never cached). */
    cacheSize(): number {
      return readCache.size;
    },
    /** Resolves once every write made so far is committed. */
    flushed(): Promise<void> {
      if (!isCommitPending) return Promise.resolve();
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    close(): void {
      if (db.open && db.inTransaction) commit();
      if (db.open) db.close();
    },
  };
}

/** The storage API. */
export type Store = ReturnType<typeof openStore>;
