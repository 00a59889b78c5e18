// The docs table has two generic lookup columns, `key1` and `key2`, indexed for lookups and list
// filters; what they hold depends on the kind (a message's key2 is its From, an alert's its log
// level). This table names them per kind, so resource code writes `keyColumns("message", { to, from })`
// and nobody has to remember which column is which.
import type { Kind } from "./store.js";

/** What `key1` and `key2` hold, per kind that uses them. */
export const LOOKUP_KEYS = {
  account: ["friendlyName", "status"],
  number: ["phoneNumber", "friendlyName"],
  message: ["to", "from"],
  call: ["to", "from"],
  alert: ["errorCode", "logLevel"],
  messaging_service: ["friendlyName"],
  service_sender: ["phoneNumber"],
  verify_service: ["friendlyName"],
  verification: ["to", "status"],
} as const satisfies Partial<Record<Kind, readonly [string, string?]>>;

/** A kind with named lookup keys. */
export type KeyedKind = keyof typeof LOOKUP_KEYS;

/** The named lookup keys of a kind, each optional: values to store, or filters of a list. */
export type LookupKeys<K extends KeyedKind> = { [N in (typeof LOOKUP_KEYS)[K][number]]?: string | undefined };

/**
 * The store's `key1`/`key2` columns from a kind's named keys, for `DocKeys` (stored values) and
 * `ListQuery` (filters; an undefined value filters nothing).
 */
export function keyColumns<K extends KeyedKind>(kind: K, named: LookupKeys<K>): { key1?: string; key2?: string } {
  const names: readonly string[] = LOOKUP_KEYS[kind];
  const values = named as Record<string, string | undefined>;
  return { key1: values[names[0]!], key2: names[1] === undefined ? undefined : values[names[1]] };
}
