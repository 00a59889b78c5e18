// The queries of the store built per call: filtered, seq-paged document lists and the delivery log.
import type Database from "better-sqlite3";
import type { Doc, Kind, ListQuery, SqliteDatabase } from "./store.js";

/** Builds the WHERE clause of a list query; seq bounds implement page tokens. @throws TypeError on a bad field name */
function listWhere(kind: Kind, query: ListQuery): { where: string[]; args: unknown[]; backwards: boolean } {
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
  return { where, args, backwards };
}

/** Creates the list query runner of one connection; statements are cached per SQL text. */
export function createLister(db: SqliteDatabase) {
  const listCache = new Map<string, Database.Statement>();
  return function list<T extends Doc = Doc>(kind: Kind, query: ListQuery): Array<{ seq: number; doc: T }> {
    const { where, args, backwards } = listWhere(kind, query);
    const direction = (query.order === "desc") !== backwards ? "DESC" : "ASC";
    const sql = `SELECT seq, data FROM docs WHERE ${where.join(" AND ")} ORDER BY seq ${direction} LIMIT ? OFFSET ?`;
    let statement = listCache.get(sql);
    if (!statement) listCache.set(sql, (statement = db.prepare(sql)));
    const rows = statement.all(...args, query.limit, query.offset ?? 0) as Array<{ seq: number; data: string }>;
    const listed = rows.map((row) => ({ seq: row.seq, doc: JSON.parse(row.data) as T }));
    return backwards ? listed.reverse() : listed;
  };
}

/** Reads the newest `limit` entries of the delivery log (optionally of one resource, after an id), oldest first. */
export function listDeliveries(db: SqliteDatabase, options: { ref?: string; limit: number; afterId?: number }): unknown[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (options.ref) (where.push("ref = ?"), args.push(options.ref));
  if (options.afterId !== undefined) (where.push("id > ?"), args.push(options.afterId));
  const sql = `SELECT id, data FROM deliveries ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
  const rows = db.prepare(sql).all(...args, options.limit) as Array<{ id: number; data: string }>;
  return rows.reverse().map((row) => ({ id: row.id, ...(JSON.parse(row.data) as object) }));
}
