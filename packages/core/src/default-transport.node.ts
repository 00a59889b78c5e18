// Node's default transport (selected by the `node` export condition): node:http with keep-alive,
// through the proxy the `proxy` option or HTTPS_PROXY / HTTP_PROXY / NO_PROXY name.
import type { Env } from "./auth/credentials.js";
import { createNodeTransport } from "./transport-node.js";
import type { Transport } from "./transport.js";

/**
 * node:http with keep-alive agents, proxied as configured.
 * @throws TypeError when the proxy option is not an http(s) URL.
 */
export function createDefaultTransport(options: { proxy?: string | false | undefined; env: Env }): Transport {
  return createNodeTransport(options);
}
