// Node's default transport (selected by the `node` export condition): node:http with keep-alive.
import { createNodeTransport } from "./transport-node.js";
import type { Transport } from "./transport.js";

/** node:http with keep-alive agents. */
export function createDefaultTransport(): Transport {
  return createNodeTransport();
}
