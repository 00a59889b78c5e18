// The root entry's products, loaded on first use. Each spec's facade keys ship with the root entry as
// a small JSON shape, so `twilio.verify.v2.services.create` exists (and enumerates) before anything
// loads; its first call imports the spec's tables and routes, then every call goes straight through.
import type { ClientInternals } from "./client.js";
import { buildFacade, type PackedFacade } from "./facade.js";
import type { OperationSpec, OperationTable } from "./operations.js";

/** What a spec module gives the root client: its operation table and packed facade. */
export interface SpecModule {
  readonly operationTable: OperationTable;
  readonly facadeTree: PackedFacade;
}

/**
 * The keys of a facade without its routes: resource names down to verbs, whose value is `1` for a
 * `list` that pages (it gets a `paginate` sibling) and `0` for every other verb.
 */
export interface FacadeShape {
  readonly [key: string]: 0 | 1 | FacadeShape;
}

/** One spec the root entry loads on first use (generated into `generated/index.ts`). */
export interface LazySpec {
  /** Where its facade hangs on the client: `["verify", "v2"]`, or `["preview"]` for a spec without versions. */
  readonly path: readonly string[];
  /** First two path segments of its routes (`verify/v2`): how `request` knows which table a route needs. */
  readonly prefixes: readonly string[];
  /** Its FacadeShape, encoded (see decodeShape); decoded when the product is first touched. */
  readonly shape: string;
  /** Imports the spec module (a separate chunk). */
  readonly load: () => Promise<SpecModule>;
}

/** The root client's lazy loading: one per client, sharing the process-wide merged operation table. */
export interface SpecLoader {
  /** The spec whose table `route` needs but is not loaded yet, or undefined when none is needed. */
  pendingFor(route: string): LazySpec | undefined;
  /** Loads a spec's tables into the client's table (once per process) and its facade (once per client). */
  ensure(spec: LazySpec): Promise<Record<string, unknown>>;
  /** The facade of a spec, typed later by the caller: real keys, leaves that load on their first call. */
  facadeOf(spec: LazySpec): Record<string, unknown>;
}

type Table = Record<string, OperationSpec>;

/** Modules already imported, by spec, for every client of this process. */
const loadedModules = new Map<LazySpec, Promise<SpecModule>>();

/**
 * Creates the loader for one client whose operation table is `table` (mutated as specs load). A failed
 * import rejects the call that triggered it, and the next call tries again.
 */
export function createSpecLoader(client: ClientInternals, table: Table, specs: readonly LazySpec[]): SpecLoader {
  const byPrefix = new Map<string, LazySpec>();
  for (const spec of specs) for (const prefix of spec.prefixes) byPrefix.set(prefix, spec);
  const facades = new Map<LazySpec, Promise<Record<string, unknown>>>();
  const merged = new Set<LazySpec>();

  function ensure(spec: LazySpec): Promise<Record<string, unknown>> {
    let facade = facades.get(spec);
    if (facade) return facade;
    let module = loadedModules.get(spec);
    if (!module) loadedModules.set(spec, (module = spec.load()));
    facade = module.then(
      (loaded) => {
        Object.assign(table, loaded.operationTable);
        merged.add(spec);
        return buildFacade(client, loaded.facadeTree);
      },
      (error: unknown) => {
        // forget the failure so a later call can try again (a flaky network on a lazy chunk)
        loadedModules.delete(spec);
        facades.delete(spec);
        throw error;
      },
    );
    facades.set(spec, facade);
    return facade;
  }

  function pendingFor(route: string): LazySpec | undefined {
    const space = route.indexOf(" ");
    const segments = route.slice(space + 1).split("/", 3);
    const spec = byPrefix.get(`${segments[1]}/${segments[2]}`);
    return spec && !merged.has(spec) ? spec : undefined;
  }

  function facadeOf(spec: LazySpec): Record<string, unknown> {
    const at = (facade: Record<string, unknown>, keys: readonly string[]) =>
      keys.reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, facade);
    return buildShape(decodeShape(spec.shape), [], {
      call: (keys, verb, args) =>
        ensure(spec).then((facade) => (at(facade, keys)[verb] as (...a: unknown[]) => Promise<unknown>)(...args)),
      paginate: async function* (keys, args) {
        const facade = await ensure(spec);
        yield* (at(facade, keys).paginate as (...a: unknown[]) => AsyncGenerator<unknown>)(...args);
      },
    });
  }

  return { pendingFor, ensure, facadeOf };
}

/** The five usual verbs, written as one letter in an encoded shape. */
const VERBS: Readonly<Record<string, string>> = { c: "create", l: "list", f: "fetch", u: "update", d: "delete" };

/**
 * Decodes a facade shape from the generator's compact form, `services(c,l*,f,verifications(c,f))`:
 * a resource is its name with its children in parentheses; a verb is its name, the usual five as
 * one letter (c, l, f, u, d), and `*` marks a `list` that pages.
 * @throws TypeError when the string is not a well-formed shape (a generator bug, never user input).
 */
export function decodeShape(encoded: string): FacadeShape {
  let at = 0;
  const fail = (): never => {
    throw new TypeError(`[@twilio-kit/core] malformed facade shape at ${at}: ${JSON.stringify(encoded.slice(at, at + 20))}`);
  };
  const node = (): FacadeShape => {
    const out: Record<string, 0 | 1 | FacadeShape> = {};
    for (;;) {
      const name = /^[A-Za-z0-9_$]+/.exec(encoded.slice(at))?.[0] ?? fail();
      at += name.length;
      if (encoded[at] === "(") {
        at++;
        out[name] = node();
        if (encoded[at] !== ")") fail();
        at++;
      } else {
        const paged = encoded[at] === "*";
        if (paged) at++;
        out[VERBS[name] ?? name] = paged ? 1 : 0;
      }
      if (encoded[at] !== ",") return out;
      at++;
    }
  };
  // a spec without operations (voice/oneconsole) has an empty shape
  const shape = encoded === "" ? {} : node();
  if (at !== encoded.length) fail();
  return shape;
}

interface LeafCalls {
  call(keys: readonly string[], verb: string, args: unknown[]): Promise<unknown>;
  paginate(keys: readonly string[], args: unknown[]): AsyncGenerator<unknown, void, undefined>;
}

/** Builds the object tree of a shape; each verb forwards to `calls` with its resource keys. */
function buildShape(shape: FacadeShape, keys: readonly string[], calls: LeafCalls): Record<string, unknown> {
  const node: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(shape)) {
    if (typeof value === "object") {
      node[key] = buildShape(value, [...keys, key], calls);
      continue;
    }
    node[key] = (...args: unknown[]) => calls.call(keys, key, args);
    if (value === 1) node.paginate = (...args: unknown[]) => calls.paginate(keys, args);
  }
  return node;
}
