// The transport used when no `fetch` is injected. The node build replaces this module with
// default-transport.node.ts (tsup.config.ts), so universal bundles never see node:http.
import type { Env } from "./auth/credentials.js";
import { createFetchTransport, type Transport } from "./transport.js";

/**
 * The global `fetch`, bound so that runtimes that check `this` (Workers) accept the call. Proxy
 * environment variables are left to the runtime (Bun and Deno's fetch read HTTPS_PROXY themselves).
 * @throws TypeError for an explicit `proxy`: this build has no node:http to tunnel with.
 */
export function createDefaultTransport(options: { proxy?: string | false | undefined; env: Env }): Transport {
  if (typeof options.proxy === "string") {
    throw new TypeError("[@twilio-kit/core] the proxy option needs Node's node:http; on this runtime pass a fetch that uses your proxy");
  }
  return createFetchTransport(globalThis.fetch.bind(globalThis));
}
