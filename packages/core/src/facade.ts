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

/** A facade leaf decoded: `"POST 12"` is the POST of the 13th path in the facade's path list. */
export interface FacadeLeaf {
  readonly method: string;
  readonly pathIndex: number;
}

/**
 * Decodes a packed facade leaf (`"METHOD index"`).
 * @throws TypeError when the leaf is not `METHOD index` (a generator bug, never user input).
 */
export function decodeLeaf(leaf: string): FacadeLeaf {
  const space = leaf.indexOf(" ");
  const pathIndex = Number(leaf.slice(space + 1));
  if (space <= 0 || !Number.isInteger(pathIndex)) throw new TypeError(`[@twilio-kit/core] malformed facade leaf ${JSON.stringify(leaf)}`);
  return { method: leaf.slice(0, space), pathIndex };
}

/**
 * Builds the callable facade over a client. `list` leaves of paged routes get a `paginate` sibling.
 * @throws TypeError when a leaf of the generated tree is malformed (see decodeLeaf).
 */
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
    const { method, pathIndex } = decodeLeaf(value);
    const route = `${method} ${paths[pathIndex]}`;
    node[key] = (params?: Record<string, unknown>, init?: object) => client.request(route, params, init);
    if (key === "list" && client.table[route]?.l) {
      node.paginate = (params?: Record<string, unknown>, options?: object) => client.paginate(route, params, options);
    }
  }
  return node;
}
