// SQLite storage: one table of resources (JSON documents with a few indexed columns), a job table
// for the virtual clock, and the webhook delivery log. The parts live beside this file: the schema,
// the prepared statements, the group commit, the read cache, the documents, jobs and list queries.
import Database from "better-sqlite3";
import { createReadCache, type ReadCache } from "./read-cache.js";
import { docMethods } from "./store-docs.js";
import { jobMethods } from "./store-jobs.js";
import { createLister, listDeliveries } from "./store-queries.js";
import { applySchema } from "./store-schema.js";
import { prepareStatements, type Statements } from "./store-statements.js";
import { createWriteGroup } from "./write-group.js";

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

export { MAX_CACHED_READS } from "./read-cache.js";

/** Says on stderr that a group of writes was lost (the callers waiting for it get the error too). */
function reportCommitError(error: Error): void {
  process.emitWarning(`[@twilio-kit/sandbox] COMMIT failed, the writes of the last group were rolled back: ${error.message}`);
}

/** The meta (key/value), delivery log and maintenance methods of a store. */
function metaMethods(db: SqliteDatabase, st: Statements, begin: () => void, cache: ReadCache) {
  return {
    logDelivery(ref: string, entry: unknown): number {
      begin();
      return Number(st.insertDelivery.run(ref, JSON.stringify(entry)).lastInsertRowid);
    },
    deliveries(options: { ref?: string; limit: number; afterId?: number }): unknown[] {
      return listDeliveries(db, options);
    },
    meta(key: string): string | undefined {
      // read on every message create (opt-outs): hits cached until a meta write
      const cacheKey = `m:${key}`;
      const hit = cache.get(cacheKey);
      if (hit !== undefined) return hit as string;
      const value = st.getMeta.get(key) as string | undefined;
      if (value !== undefined) cache.remember(cacheKey, value);
      return value;
    },
    setMeta(key: string, value: string): void {
      begin();
      cache.clear();
      st.setMeta.run(key, value);
    },
    deleteMeta(key: string): void {
      begin();
      cache.clear();
      st.deleteMeta.run(key);
    },
    /** Deletes everything: documents, jobs, deliveries, meta. */
    wipe(): void {
      begin();
      cache.clear();
      db.exec("DELETE FROM docs; DELETE FROM jobs; DELETE FROM deliveries; DELETE FROM meta;");
    },
    /** How many reads are cached (bounded by `MAX_CACHED_READS`; misses are never cached). */
    cacheSize(): number {
      return cache.size;
    },
  };
}

/** Opens (or creates) the database and prepares every statement the hot paths use. */
export function openStore(file: string, onCommitError: (error: Error) => void = reportCommitError) {
  const db: SqliteDatabase = new Database(file);
  applySchema(db, file);
  const st = prepareStatements(db);
  const cache = createReadCache();
  // a rolled-back write may have touched cached documents
  const group = createWriteGroup(db, onCommitError, () => cache.clear());
  return {
    db: db as SqliteDatabase,
    /** Runs `fn` atomically inside the current group transaction (a savepoint: all or nothing). */
    transaction: group.transaction,
    ...docMethods(st, group.begin, cache),
    list: createLister(db),
    ...jobMethods(st, group.begin),
    ...metaMethods(db, st, group.begin, cache),
    /** Resolves once every write made so far is committed. */
    flushed: group.flushed,
    close(): void {
      if (db.open && db.inTransaction) group.commit();
      if (db.open) db.close();
    },
  };
}

/** The storage API. */
export type Store = ReturnType<typeof openStore>;
