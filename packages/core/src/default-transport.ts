// The transport used when no `fetch` is injected. The node build replaces this module with
// default-transport.node.ts (tsup.config.ts), so universal bundles never see node:http.
import { createFetchTransport, type Transport } from "./transport.js";

/** The global `fetch`, bound so that runtimes that check `this` (Workers) accept the call. */
export function createDefaultTransport(): Transport {
  return createFetchTransport(globalThis.fetch.bind(globalThis));
}
