// The document half of the store: writes join the group transaction, reads of accounts, keys and
// numbers go through the read cache.
import type { ReadCache } from "./read-cache.js";
import type { Doc, DocKeys, Kind } from "./store.js";
import type { Statements } from "./store-statements.js";

function parse<T>(data: string | undefined): T | undefined {
  return data === undefined ? undefined : (JSON.parse(data) as T);
}

/** The document methods of a store over its statements, group transaction and read cache. */
export function docMethods(st: Statements, begin: () => void, cache: ReadCache) {
  function write(kind: Kind): void {
    begin();
    cache.touched(kind);
  }
  return {
    /** Stores a new document; returns its seq. */
    insert(kind: Kind, doc: Doc, keys: DocKeys): number {
      write(kind);
      return Number(st.insertDoc.run(kind, doc.sid, keys.account_sid, keys.parent_sid ?? null, keys.key1 ?? null, keys.key2 ?? null, keys.date_ms ?? null, JSON.stringify(doc)).lastInsertRowid);
    },
    update(kind: Kind, doc: Doc, keys: DocKeys): void {
      write(kind);
      st.updateDoc.run(keys.account_sid, keys.parent_sid ?? null, keys.key1 ?? null, keys.key2 ?? null, keys.date_ms ?? null, JSON.stringify(doc), doc.sid, kind);
    },
    /** `update` for a change that keeps every indexed key except the date (message status changes). */
    updateData(kind: Kind, doc: Doc, dateMs: number | null): void {
      write(kind);
      st.updateData.run(dateMs, JSON.stringify(doc), doc.sid, kind);
    },
    get<T extends Doc = Doc>(kind: Kind, sid: string): T | undefined {
      return parse<T>(st.selectDoc.get(sid, kind) as string | undefined);
    },
    seqOf(sid: string): number | undefined {
      return st.selectSeq.get(sid) as number | undefined;
    },
    bySeq<T extends Doc = Doc>(kind: Kind, seq: number): T | undefined {
      return parse<T>(st.selectBySeq.get(seq, kind) as string | undefined);
    },
    remove(kind: Kind, sid: string): boolean {
      write(kind);
      return st.deleteDoc.run(sid, kind).changes > 0;
    },
    removeChildren(kind: Kind, parentSid: string): void {
      begin();
      st.deleteChildren.run(parentSid, kind);
    },
    /** Documents by their first key (numbers by E.164); cached for numbers, so read-only. */
    findByKey1<T extends Doc = Doc>(kind: Kind, key1: string): readonly T[] {
      const cacheKey = `k:${kind}:${key1}`;
      const hit = cache.isCachedKind(kind) ? cache.get(cacheKey) : undefined;
      if (hit !== undefined) return hit as T[];
      const docs = (st.selectByKey1.all(kind, key1) as string[]).map((data) => JSON.parse(data) as T);
      if (cache.isCachedKind(kind) && docs.length > 0) cache.remember(cacheKey, docs);
      return docs;
    },
    /** `get` through the read cache, for accounts, keys and numbers: the result is shared, read-only. */
    cached<T extends Doc = Doc>(kind: Kind, sid: string): Readonly<T> | undefined {
      const cacheKey = `d:${kind}:${sid}`;
      const hit = cache.get(cacheKey);
      if (hit !== undefined) return hit as T;
      const doc = parse<T>(st.selectDoc.get(sid, kind) as string | undefined);
      if (cache.isCachedKind(kind) && doc !== undefined) cache.remember(cacheKey, doc);
      return doc;
    },
  };
}
