// The database layout and connection settings of the store. WAL mode: a write the API acknowledged is
// in the WAL before the response is sent, so it survives a restart and a `kill -9` of the process.
import type { SqliteDatabase as Database } from "./store.js";

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

/** SQLite page cache per connection, in KiB. */
export const PAGE_CACHE_KIB = 4096;

/** Sets the durability pragmas of a fresh connection and creates any missing table or index. */
export function applySchema(db: Database, file: string): void {
  if (file !== ":memory:") db.pragma("journal_mode = WAL");
  // OFF: a commit hands its WAL frames to the OS before the answer goes out, so it survives a crash or
  // `kill -9` of the process; nothing is fsynced, so an OS crash or power loss can lose recent writes.
  // NORMAL would fsync at every checkpoint: measured, those stalls cost half of all write time.
  db.pragma("synchronous = OFF");
  // one checkpoint per ~40 MiB of WAL instead of per 4 MiB keeps bursts of writes fast
  db.pragma("wal_autocheckpoint = 10000");
  db.pragma("journal_size_limit = 67108864");
  db.pragma("foreign_keys = OFF");
  // better-sqlite3's default page cache is 16 MiB: it filled up during 100k message creates (13 MiB of
  // RSS growth, measured); the writes are appends, and the OS caches the file anyway
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  db.exec(SCHEMA);
}
