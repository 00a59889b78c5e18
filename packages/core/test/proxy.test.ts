// HTTP(S) proxies on Node, against a real proxy process (proxy-server.mjs) and real local servers:
// CONNECT tunnels to an https target with a throwaway CA, absolute-form for http targets, proxy
// Basic auth accepted and refused, NO_PROXY, and the environment as the client reads it.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createClient } from "../src/client.js";
import { TwilioConnectionError } from "../src/errors.js";
import type { RequestLogEvent } from "../src/send-with-retry.js";
import { createNodeTransport } from "../src/transport-node.js";
import { ACCOUNT_SID, AUTH_TOKEN, startServer } from "./helpers.js";
import { hasOpenssl, makeTestCertificates, startHttpsServer, startProxyProcess, type ProxyLogEntry } from "./proxy-helpers.js";

// The client under test uses the Node transport, as the package's `node` export condition selects.
vi.mock("../src/default-transport.js", async () => await import("../src/default-transport.node.js"));

const LIST = "GET /2010-04-01/Accounts/{AccountSid}/Messages.json";
const PROXY_USER = "proxy-user";
const PROXY_PASSWORD = "p@ss:word/secret";
const PROXY_AUTH = `${PROXY_USER}:${PROXY_PASSWORD}`;
const withAuth = (url: string, password = PROXY_PASSWORD) => url.replace("http://", `http://${PROXY_USER}:${encodeURIComponent(password)}@`);

/** Waits (up to 2 s) until the proxy process has reported `count` requests. */
async function logOf(log: ProxyLogEntry[], count: number): Promise<ProxyLogEntry[]> {
  for (let waited = 0; log.length < count && waited < 2000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
  return log;
}

let openProxy: Awaited<ReturnType<typeof startProxyProcess>>;
let authProxy: Awaited<ReturnType<typeof startProxyProcess>>;
let target: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  [openProxy, authProxy, target] = await Promise.all([
    startProxyProcess(),
    startProxyProcess(PROXY_AUTH),
    startServer(() => ({ status: 200, body: { messages: [] } })),
  ]);
});
afterAll(async () => {
  await Promise.all([openProxy.close(), authProxy.close(), target.close()]);
});
afterEach(() => {
  openProxy.log.length = 0;
  authProxy.log.length = 0;
  target.seen.length = 0;
  vi.unstubAllEnvs();
});

describe.skipIf(!hasOpenssl())("https targets through CONNECT", () => {
  let certificates: ReturnType<typeof makeTestCertificates>;
  let secure: Awaited<ReturnType<typeof startHttpsServer>>;
  beforeAll(async () => {
    certificates = makeTestCertificates();
    secure = await startHttpsServer(certificates);
  });
  afterAll(() => secure.close());
  afterEach(() => (secure.seen.length = 0));

  const get = (transport: ReturnType<typeof createNodeTransport>, path = "/v1/Services?PageSize=2") =>
    transport({ method: "GET", url: `${secure.url}${path}`, headers: { Accept: "application/json" }, body: undefined }, 10_000);

  it("tunnels to the target and verifies its certificate against the given CA", async () => {
    const transport = createNodeTransport({ proxy: openProxy.url, ca: certificates.ca });
    const response = await get(transport);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ ok: true });
    expect(await logOf(openProxy.log, 1)).toEqual([{ type: "connect", target: secure.url.slice(8), hadAuth: false, authorized: true }]);
    // Inside the tunnel the request is in origin form, as to any https server.
    expect(secure.seen[0]!.url).toBe("/v1/Services?PageSize=2");
  });

  it("keeps the tunnel alive across requests", async () => {
    const transport = createNodeTransport({ proxy: openProxy.url, ca: certificates.ca });
    for (let i = 0; i < 3; i++) expect((await get(transport)).status).toBe(200);
    await logOf(openProxy.log, 1);
    expect(secure.seen).toHaveLength(3);
    expect(openProxy.log.filter((entry) => entry.type === "connect")).toHaveLength(1);
  });

  it("refuses a target whose certificate the trusted CAs do not vouch for", async () => {
    const transport = createNodeTransport({ proxy: openProxy.url });
    await expect(get(transport)).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
    expect(secure.seen).toHaveLength(0);
  });

  it("sends the proxy credentials from the URL's userinfo with CONNECT", async () => {
    const transport = createNodeTransport({ proxy: withAuth(authProxy.url), ca: certificates.ca });
    expect((await get(transport)).status).toBe(200);
    expect(await logOf(authProxy.log, 1)).toEqual([{ type: "connect", target: secure.url.slice(8), hadAuth: true, authorized: true }]);
    // The target never sees the proxy's credentials.
    expect(secure.seen[0]!.headers["proxy-authorization"]).toBeUndefined();
  });

  it("fails at once with a TwilioConnectionError naming the 407 when the proxy refuses the credentials", async () => {
    const proxy = withAuth(authProxy.url, "wrong password");
    const events: RequestLogEvent[] = [];
    const transport = createNodeTransport({ proxy, ca: certificates.ca });
    const { sendWithRetry } = await import("../src/send-with-retry.js");
    const policy = { maxRetries: 3, timeoutMs: 10_000, baseDelayMs: 1, maxDelayMs: 1 };
    const request = { method: "GET", url: `${secure.url}/v1/x`, headers: {}, body: undefined };
    const error = (await sendWithRetry(transport, request, policy, (event) => events.push(event)).catch((e: unknown) => e)) as TwilioConnectionError;
    expect(error).toBeInstanceOf(TwilioConnectionError);
    expect(error.message).toContain(`proxy ${authProxy.url} answered 407 Proxy Authentication Required for 127.0.0.1:`);
    expect(error.message).toContain("check the user and password in the proxy URL");
    expect(`${error.message} ${error.stack} ${JSON.stringify(events)}`).not.toContain("wrong");
    // A 407 is not retried, even for a GET.
    expect(events.filter((event) => event.type === "retry")).toHaveLength(0);
    expect(await logOf(authProxy.log, 1)).toHaveLength(1);
  });
});

describe.skipIf(!hasOpenssl())("an https:// proxy (TLS to the proxy itself)", () => {
  let certificates: ReturnType<typeof makeTestCertificates>;
  let tlsProxy: Awaited<ReturnType<typeof startProxyProcess>>;
  let secure: Awaited<ReturnType<typeof startHttpsServer>>;
  beforeAll(async () => {
    certificates = makeTestCertificates();
    [tlsProxy, secure] = await Promise.all([startProxyProcess(PROXY_AUTH, certificates), startHttpsServer(certificates)]);
  });
  afterAll(() => Promise.all([tlsProxy.close(), secure.close()]));

  it("tunnels TLS inside TLS to an https target and forwards to an http target", async () => {
    const proxy = tlsProxy.url.replace("https://", `https://${PROXY_USER}:${encodeURIComponent(PROXY_PASSWORD)}@`);
    const transport = createNodeTransport({ proxy, ca: certificates.ca });
    const get = (url: string) => transport({ method: "GET", url, headers: {}, body: undefined }, 10_000);
    expect((await get(`${secure.url}/v1/tunnelled`)).status).toBe(200);
    expect((await get(`${target.url}/v1/forwarded`)).status).toBe(200);
    expect(await logOf(tlsProxy.log, 2)).toEqual([
      { type: "connect", target: secure.url.slice(8), hadAuth: true, authorized: true },
      { type: "forward", url: `${target.url}/v1/forwarded`, host: target.url.slice(7), hadAuth: true, authorized: true },
    ]);
    expect(secure.seen[0]!.url).toBe("/v1/tunnelled");
    expect(target.seen[0]!.url).toBe("/v1/forwarded");
  });

  it("refuses a proxy whose certificate is not trusted", async () => {
    const transport = createNodeTransport({ proxy: tlsProxy.url });
    const attempt = transport({ method: "GET", url: `${target.url}/v1/x`, headers: {}, body: undefined }, 10_000);
    await expect(attempt).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
    expect(target.seen).toHaveLength(0);
  });
});

describe("a proxy that does not answer", () => {
  it("ends a CONNECT the proxy never answers after timeoutMs, as a timeout", async () => {
    const { createServer } = await import("node:net");
    const sockets: import("node:net").Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket.on("error", () => {})));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as import("node:net").AddressInfo).port;
    try {
      const client = createClient(
        { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: "https://127.0.0.1:1", proxy: `http://127.0.0.1:${port}`, timeoutMs: 300, maxRetries: 0 },
        {},
      );
      const started = Date.now();
      const error = (await client.request(LIST).catch((e: unknown) => e)) as TwilioConnectionError;
      expect(error).toBeInstanceOf(TwilioConnectionError);
      expect(error.isTimeout).toBe(true);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("http targets through a forwarding proxy", () => {
  it("sends absolute-form requests with the target's Host", async () => {
    const client = createClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: target.url, proxy: openProxy.url }, {});
    await client.request(LIST, { PageSize: 5 });
    const path = `/api/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json?PageSize=5`;
    expect(await logOf(openProxy.log, 1)).toEqual([
      { type: "forward", url: `${target.url}${path}`, host: target.url.slice(7), hadAuth: false, authorized: true },
    ]);
    expect(target.seen[0]!.url).toBe(path);
  });

  it("sends Proxy-Authorization from the userinfo and never forwards it to the target", async () => {
    const client = createClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: target.url, proxy: withAuth(authProxy.url) }, {});
    await expect(client.request(LIST)).resolves.toEqual({ messages: [] });
    expect((await logOf(authProxy.log, 1))[0]).toMatchObject({ type: "forward", hadAuth: true, authorized: true });
    expect(target.seen[0]!.headers["proxy-authorization"]).toBeUndefined();
  });

  it("turns the proxy's 407 into a TwilioConnectionError without retrying or leaking the password", async () => {
    const events: RequestLogEvent[] = [];
    const client = createClient(
      { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: target.url, proxy: withAuth(authProxy.url, "wrong password"), logger: (e) => events.push(e) },
      {},
    );
    const error = (await client.request(LIST).catch((e: unknown) => e)) as TwilioConnectionError;
    expect(error).toBeInstanceOf(TwilioConnectionError);
    expect(error.message).toMatch(/proxy http:\/\/127\.0\.0\.1:\d+ answered 407 Proxy Authentication Required/);
    expect(`${error.message} ${error.stack} ${JSON.stringify(events)}`).not.toMatch(/wrong|proxy-user/);
    expect(await logOf(authProxy.log, 1)).toHaveLength(1);
    expect(target.seen).toHaveLength(0);
  });
});

describe("proxies from the environment", () => {
  const client = (extra: object = {}) => createClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: target.url, ...extra }, {});

  it("reads http_proxy and HTTP_PROXY for http targets", async () => {
    for (const name of ["http_proxy", "HTTP_PROXY"]) {
      vi.stubEnv(name, openProxy.url);
      await client().request(LIST);
      vi.unstubAllEnvs();
    }
    expect(await logOf(openProxy.log, 2)).toHaveLength(2);
    expect(target.seen).toHaveLength(2);
  });

  it("connects directly to hosts NO_PROXY lists", async () => {
    vi.stubEnv("HTTP_PROXY", openProxy.url);
    vi.stubEnv("NO_PROXY", "localhost, 127.0.0.0/8");
    await client().request(LIST);
    vi.stubEnv("NO_PROXY", "example.com,127.0.0.2");
    await client().request(LIST);
    expect(target.seen).toHaveLength(2);
    expect(await logOf(openProxy.log, 1)).toHaveLength(1); // only the second went through the proxy
  });

  it("applies NO_PROXY to an explicit proxy too, as curl does", async () => {
    vi.stubEnv("no_proxy", "127.0.0.1");
    await client({ proxy: openProxy.url }).request(LIST);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(openProxy.log).toHaveLength(0);
    expect(target.seen).toHaveLength(1);
  });

  it("ignores the environment with proxy: false", async () => {
    vi.stubEnv("HTTP_PROXY", "http://127.0.0.1:9"); // nothing listens there
    await expect(client({ proxy: false }).request(LIST)).resolves.toEqual({ messages: [] });
  });

  it("rejects a proxy URL it cannot use when the client is created", () => {
    expect(() => client({ proxy: "socks5://127.0.0.1:1080" })).toThrow(/must be an http:\/\/ or https:\/\/ proxy.*SOCKS/);
    expect(() => client({ proxy: "http://" })).toThrow(/the proxy option is not a URL/);
    expect(() => createClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, proxy: openProxy.url, fetch }, {})).toThrow(/either fetch or proxy/);
  });
});
