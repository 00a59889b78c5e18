// Accounts, keys, numbers and meta are read on every request and written rarely: keep parsed copies.
// Cached documents are shared: callers must not mutate what the store's cached reads return.
// Only hits are cached (a miss is one indexed lookup; caching misses would grow with every unknown
// SID, number or opt-out pair a client sends), and at most MAX_CACHED_READS of them.
import type { Kind } from "./store.js";

/** Most entries the read cache (accounts, keys, numbers, meta) holds; beyond that the oldest goes. */
export const MAX_CACHED_READS = 5000;

const CACHED_KINDS = new Set<Kind>(["account", "key", "number"]);

/** Creates the bounded read cache of one store. */
export function createReadCache() {
  const entries = new Map<string, unknown>();
  return {
    /** Whether documents of this kind go through the cache. */
    isCachedKind(kind: Kind): boolean {
      return CACHED_KINDS.has(kind);
    },
    get(key: string): unknown {
      return entries.get(key);
    },
    /** Caches a hit, dropping the oldest entry when full. */
    remember(key: string, value: unknown): void {
      if (entries.size >= MAX_CACHED_READS) entries.delete(entries.keys().next().value!);
      entries.set(key, value);
    },
    /** Forgets everything after a write to a cached kind. */
    touched(kind: Kind): void {
      if (CACHED_KINDS.has(kind)) entries.clear();
    },
    clear(): void {
      entries.clear();
    },
    get size(): number {
      return entries.size;
    },
  };
}

/** The store's read cache. */
export type ReadCache = ReturnType<typeof createReadCache>;
