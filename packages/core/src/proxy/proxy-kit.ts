// Everything the Node transport needs to route through a proxy, as one module: the transport loads it
// with a single `import()` on the first request of a client that has a proxy configured, so bundles
// of clients without one carry none of it (and a one-file bundle wraps one module, not three).
export { proxyAuthorization, proxyFor, redactedProxy } from "./proxy-env.js";
export { ProxyRefusedError } from "./proxy-error.js";
export { TUNNEL_TIMEOUT_OPTION, createTunnelAgent } from "./tunnel-agent.js";
