// The built package: OAuth, client validation and proxy support are loaded with import() when a
// client uses them, so what a Basic-auth client loads (the entry and its static imports) holds none of
// them; and those lazy chunks load from the ESM and the CJS builds alike.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_SID, AUTH_TOKEN, startServer } from "./helpers.js";
import { startProxyProcess } from "./proxy-helpers.js";

const dist = new URL("../dist/", import.meta.url);
type Subpath = typeof import("../src/generated/api-v2010.js");
const LIST = "GET /2010-04-01/Accounts/{AccountSid}/Messages.json";

/** Code only the optional features have: the token grant, the PKCV content type, the tunnel, env proxy routing. */
const MARKERS = {
  oauth: "client_credentials",
  clientValidation: "twilio-pkrv;v=1",
  tunnel: "twilioKitTunnelTimeoutMs",
  proxyRouting: "HTTPS_PROXY (or HTTP_PROXY / ALL_PROXY)",
};

/** The files `entry` reaches through static imports (ESM `import`/`from`, CJS top-level `require`). */
function staticClosure(entry: URL, seen = new Map<string, string>()): Map<string, string> {
  if (seen.has(entry.href)) return seen;
  const source = readFileSync(entry, "utf8");
  seen.set(entry.href, source);
  for (const match of source.matchAll(/(?:\bfrom\s*|\bimport\s*|\brequire\()['"](\.{1,2}\/[^'"]+)['"]/g)) staticClosure(new URL(match[1]!, entry), seen);
  return seen;
}

/** The files reached through `import('./…')` from `files`, and their static closures. */
function lazyClosure(files: Map<string, string>): string {
  const lazy = new Map<string, string>();
  for (const [href, source] of files) {
    for (const match of source.matchAll(/\bimport\(['"](\.{1,2}\/[^'"]+)['"]\)/g)) staticClosure(new URL(match[1]!, href), lazy);
  }
  return [...lazy.values()].join("\n");
}

describe("optional features stay out of a Basic-auth client's code", () => {
  const builds = [
    { entry: "node/api-v2010.js", markers: Object.values(MARKERS) },
    { entry: "node/api-v2010.cjs", markers: Object.values(MARKERS) },
    { entry: "api-v2010.js", markers: [MARKERS.oauth, MARKERS.clientValidation] },
    { entry: "api-v2010.cjs", markers: [MARKERS.oauth, MARKERS.clientValidation] },
  ];
  for (const { entry, markers } of builds) {
    it(`${entry}: the static closure has none of them, the chunks it imports on use have each`, () => {
      const closure = staticClosure(new URL(entry, dist));
      const loaded = [...closure.values()].join("\n");
      const lazy = lazyClosure(closure);
      for (const marker of markers) {
        expect(loaded, marker).not.toContain(marker);
        expect(lazy, marker).toContain(marker);
      }
    });
  }
});

describe("lazy chunks load in the built package", () => {
  let proxy: Awaited<ReturnType<typeof startProxyProcess>>;
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    const token = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600 })).toString("base64url")}.x`;
    [proxy, server] = await Promise.all([
      startProxyProcess(),
      startServer((request) =>
        request.url.startsWith("/oauth/v2/token") ? { status: 200, body: { access_token: token, expires_in: 3600 } } : { status: 200, body: { messages: [] } },
      ),
    ]);
  });
  afterAll(() => Promise.all([proxy.close(), server.close()]));

  const load = {
    "node ESM": async () => (await import(new URL("node/api-v2010.js", dist).href)) as Subpath,
    "node CJS": async () => createRequire(import.meta.url)(new URL("node/api-v2010.cjs", dist).pathname) as Subpath,
  };
  for (const [build, subpath] of Object.entries(load)) {
    it(`${build}: concurrent first requests of an OAuth client share one token fetch`, async () => {
      const { createTwilio } = await subpath();
      const before = server.seen.length;
      const twilio = createTwilio({ accountSid: ACCOUNT_SID, oauth: { clientId: "OQ1", clientSecret: "secret" }, baseUrl: server.url, proxy: false });
      await Promise.all([twilio.request(LIST), twilio.request(LIST), twilio.request(LIST)]);
      const seen = server.seen.slice(before);
      expect(seen.filter((request) => request.url.startsWith("/oauth/v2/token"))).toHaveLength(1);
      const api = seen.filter((request) => request.url.startsWith("/api/"));
      expect(api).toHaveLength(3);
      for (const request of api) expect(request.headers.authorization).toMatch(/^Bearer /);
    });

    it(`${build}: an explicit proxy carries the request`, async () => {
      const { createTwilio } = await subpath();
      const before = proxy.log.length;
      await createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: server.url, proxy: proxy.url }).request(LIST);
      for (let waited = 0; proxy.log.length <= before && waited < 2000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(proxy.log.slice(before)).toEqual([expect.objectContaining({ type: "forward", url: expect.stringContaining(`${server.url}/api/2010-04-01/`) })]);
    });

    it(`${build}: a malformed option still throws from createTwilio, before any load`, async () => {
      const { createTwilio } = await subpath();
      expect(() => createTwilio({ accountSid: ACCOUNT_SID, oauth: { clientId: "", clientSecret: "s" } })).toThrow(/oauth needs a clientId/);
      expect(() =>
        createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, clientValidation: { credentialSid: "CR1", signingKey: "SK1", privateKey: "pem" } }),
      ).toThrow(/clientValidation.credentialSid must match/);
    });
  }
});
