// The resource-style facade (`twilio.messages.create(params)`), built at run time from a generated
// tree of route strings: no per-endpoint code, one generic function per leaf.
import type { ClientInternals } from "./client.js";
import type { ItemOf, PaginateArgs, RequestArgs, ResponseOf } from "./types.js";

/** A facade leaf: calls its operation with wire-named params. */
export type Method<O> = (...args: RequestArgs<O>) => Promise<ResponseOf<O>>;

/** The `paginate` beside a list operation: its items across pages, lazily. */
export type Paginate<O> = (...args: PaginateArgs<O>) => AsyncGenerator<ItemOf<O>, void, undefined>;

/** A facade tree: resource names down to verbs whose values are `"METHOD index"` into the path list. */
export interface FacadeTree {
  readonly [key: string]: string | FacadeTree;
}

/** A generated facade: the tree, the distinct paths it points at, and the prefix written as `~` in them. */
export interface PackedFacade {
  readonly prefix: string;
  readonly paths: readonly string[];
  readonly tree: FacadeTree;
}

/** Builds the callable facade over a client. `list` leaves of paged routes get a `paginate` sibling. */
export function buildFacade(client: ClientInternals, facade: PackedFacade): Record<string, unknown> {
  const paths = facade.paths.map((path) => (path.startsWith("~") ? facade.prefix + path.slice(1) : path));
  return buildNode(client, facade.tree, paths);
}

function buildNode(client: ClientInternals, tree: FacadeTree, paths: readonly string[]): Record<string, unknown> {
  const node: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value !== "string") {
      node[key] = buildNode(client, value, paths);
      continue;
    }
    const space = value.indexOf(" ");
    const route = `${value.slice(0, space)} ${paths[Number(value.slice(space + 1))]}`;
    node[key] = (params?: Record<string, unknown>, init?: object) => client.request(route, params, init);
    if (key === "list" && client.table[route]?.l) {
      node.paginate = (params?: Record<string, unknown>, options?: object) => client.paginate(route, params, options);
    }
  }
  return node;
}
