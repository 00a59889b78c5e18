// The prepared statements of the store's hot paths, prepared once per connection.
import type Database from "better-sqlite3";

// single-column reads are plucked (`.get` returns the value, not a row object)
const PLUCKED = "pluck:";

const SQL = {
  insertDoc: "INSERT INTO docs (kind, sid, account_sid, parent_sid, key1, key2, date_ms, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  updateDoc: "UPDATE docs SET account_sid = ?, parent_sid = ?, key1 = ?, key2 = ?, date_ms = ?, data = ? WHERE sid = ? AND kind = ?",
  // a status change keeps owner and lookup keys: rewriting only data and date leaves the key indexes alone
  updateData: "UPDATE docs SET date_ms = ?, data = ? WHERE sid = ? AND kind = ?",
  selectDoc: `${PLUCKED}SELECT data FROM docs WHERE sid = ? AND kind = ?`,
  selectSeq: `${PLUCKED}SELECT seq FROM docs WHERE sid = ?`,
  selectBySeq: `${PLUCKED}SELECT data FROM docs WHERE seq = ? AND kind = ?`,
  deleteDoc: "DELETE FROM docs WHERE sid = ? AND kind = ?",
  deleteChildren: "DELETE FROM docs WHERE parent_sid = ? AND kind = ?",
  selectByKey1: `${PLUCKED}SELECT data FROM docs WHERE kind = ? AND key1 = ? ORDER BY seq`,
  insertJob: "INSERT INTO jobs (due, kind, ref, data) VALUES (?, ?, ?, ?)",
  nextJobs: "SELECT id, due, kind, ref, data FROM jobs WHERE due <= ? ORDER BY due, id LIMIT ?",
  minDue: `${PLUCKED}SELECT MIN(due) FROM jobs`,
  deleteJob: "DELETE FROM jobs WHERE id = ?",
  moveJob: "UPDATE jobs SET due = ?, data = ? WHERE id = ?",
  deleteJobsOf: "DELETE FROM jobs WHERE ref = ?",
  deleteJobsOfKind: "DELETE FROM jobs WHERE ref = ? AND kind = ?",
  insertDelivery: "INSERT INTO deliveries (ref, data) VALUES (?, ?)",
  getMeta: `${PLUCKED}SELECT value FROM meta WHERE key = ?`,
  setMeta: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  deleteMeta: "DELETE FROM meta WHERE key = ?",
} as const;

/** The store's prepared statements, by name. */
export type Statements = { -readonly [Name in keyof typeof SQL]: Database.Statement };

/** Prepares every fixed statement the store runs (list and delivery queries are built per call). */
export function prepareStatements(db: Database.Database): Statements {
  const statements: Partial<Statements> = {};
  for (const [name, sql] of Object.entries(SQL) as Array<[keyof Statements, string]>) {
    statements[name] = sql.startsWith(PLUCKED) ? db.prepare(sql.slice(PLUCKED.length)).pluck() : db.prepare(sql);
  }
  return statements as Statements;
}
