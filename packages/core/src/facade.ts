// The resource-style facade (`twilio.messages.create(params)`), built at run time from a generated
// tree of route strings: no per-endpoint code, one generic function per leaf.
import type { ClientInternals } from "./client.js";
import type { ItemOf, PaginateArgs, RequestArgs, ResponseOf } from "./types.js";

/** A facade leaf: calls its operation with wire-named params. */
export type Method<O> = (...args: RequestArgs<O>) => Promise<ResponseOf<O>>;

/** The `paginate` beside a list operation: its items across pages, lazily. */
export type Paginate<O> = (...args: PaginateArgs<O>) => AsyncGenerator<ItemOf<O>, void, undefined>;

/** A generated facade tree: resource names down to verbs whose values are routes. */
export interface FacadeTree {
  readonly [key: string]: string | FacadeTree;
}

/** Builds the callable facade of a tree over a client. `list` leaves of paged routes get a `paginate` sibling. */
export function buildFacade(client: ClientInternals, tree: FacadeTree): Record<string, unknown> {
  const node: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value !== "string") {
      node[key] = buildFacade(client, value);
      continue;
    }
    const route = value;
    node[key] = (params?: Record<string, unknown>, init?: object) => client.request(route, params, init);
    if (key === "list" && client.table[route]?.l) {
      node.paginate = (params?: Record<string, unknown>, options?: object) => client.paginate(route, params, options);
    }
  }
  return node;
}
