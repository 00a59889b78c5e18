// Differential property tests: our verdict must equal twilio-node 6.2.0's on every generated input.
import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { verifyTwilioSignature } from "../src/index.js";
import { verifyTwilioSignature as verifyDefaultOnNode } from "../src/index-node.js";
import { verifyTwilioSignature as verifyNode, verifyTwilioSignatureSync } from "../src/node.js";
import { isNormalizedUrl, portVariants, withLegacyQuerystring } from "../src/url-candidates.js";

const require = createRequire(import.meta.url);
const twilio = require("twilio/lib/webhooks/webhooks") as {
  getExpectedTwilioSignature(token: string, url: string, params: object | null): string;
  getExpectedBodyHash(body: string): string;
  validateRequest(token: string, signature: string, url: string, params: object): boolean;
  validateRequestWithBody(token: string, signature: string, url: string, body: string): boolean;
};
const querystring = require("node:querystring") as typeof import("node:querystring");

// twilio-node throws on URLs `new URL()` rejects; a throw is a rejection.
function oracle(run: () => boolean): boolean {
  try {
    return run();
  } catch {
    return false;
  }
}

// Characters that make URL handling interesting: apostrophes, plus, percent escapes, spaces, unicode.
const urlChar = fc.constantFrom("a", "Z", "0", "'", "+", "%20", "%27", "%2B", "%", "%zz", " ", "é", "😀", "-", "_", "~", "!", "*", "(", "=", "&", "/", ":", "@", "#", "?", "\uD800");
const urlText = fc.array(urlChar, { maxLength: 8 }).map((parts) => parts.join(""));
const host = fc.constantFrom("example.com", "Example.COM", "api.example.co.uk", "127.0.0.1", "[::1]", "xn--bcher-kva.example", "bücher.example", "exa mple.com");
const port = fc.constantFrom("", ":443", ":80", ":8080", ":1234", ":");
const scheme = fc.constantFrom("https://", "http://", "HTTPS://", "ftp://", "");
const userInfo = fc.constantFrom("", "user:pass@", "u@");
const query = fc.array(fc.tuple(urlText, urlText), { maxLength: 4 }).map((pairs) => (pairs.length === 0 ? "" : "?" + pairs.map(([k, v]) => `${k}=${v}`).join("&")));
const url = fc.tuple(scheme, userInfo, host, port, fc.array(urlText, { maxLength: 3 }), query).map(([s, u, h, p, path, q]) => `${s}${u}${h}${p}/${path.join("/")}${q}`);

// URLs at the edge of what `new URL()` leaves unchanged: plain ones and near misses (case, default and
// odd ports, numeric and punycode hosts, dot segments, characters it percent-encodes, query, fragment).
// Mostly plain parts, sometimes a near miss, so both answers of the shortcut are common.
const mostly = <T>(plain: T[], odd: T[]) => fc.oneof({ arbitrary: fc.constantFrom(...plain), weight: 6 }, { arbitrary: fc.constantFrom(...odd), weight: 1 });
const plainLabel = mostly(["example", "com", "api", "a-b", "x1", "sms"], ["123", "0x1f", "xn--bcher-kva", "xn--", "EXAMPLE", ""]);
const plainHost = fc.array(plainLabel, { minLength: 1, maxLength: 3 }).map((labels) => labels.join("."));
const plainPort = mostly(["", "", ":443", ":80", ":8080", ":65535"], [":0443", ":65536", ":99999", ":", ":0"]);
const plainSegment = mostly(["twilio", "sms", "a.php", "%20", "%zz", "'", "~", "!$&()*+,;=:@", ""], [".", "..", "%2e", "%2E%2e", ".well-known", "a\\b", "é", " ", "|", "^"]);
const plainPath = mostly([true, true, true, true], [false]).chain((hasPath) =>
  hasPath ? fc.array(plainSegment, { maxLength: 3 }).map((segments) => "/" + segments.join("/")) : fc.constant(""),
);
// Queries: mostly `name=value` pairs of characters neither `new URL()` nor querystring rewrites, and
// near misses (repeated and array-index names, `+`, escapes, apostrophes, pairs without `=`, `&&`).
const queryName = mostly(["a", "b", "tenant", "flow", "x_1", "b.c", "~d", "a-b"], ["0", "12", "01", "a+b", "%41", "'", "", "a b", "é"]);
const queryValue = mostly(["", "1", "acme", "in-bound", "v.2", "~", "AbC"], ["+", "%20", "%2f", "%zz", "'", "=", "é", "a%2Bb"]);
const plainQuery = fc
  .array(fc.tuple(queryName, mostly(["="], ["", "=="]), queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? "" : "?" + pairs.map(([name, eq, value]) => name + eq + value).join("&")));
const plainRest = fc.oneof({ arbitrary: plainQuery, weight: 6 }, { arbitrary: fc.constantFrom("?", "#f", "?a=1#f", "?a=1&&b=2", "?&a=1", "?a=1&"), weight: 1 });
const plainishUrl = fc
  .tuple(mostly(["https://", "http://"], ["HTTP://"]), plainHost, mostly([""], ["."]), plainPort, plainPath, plainRest)
  .map(([s, h, dot, p, path, rest]) => `${s}${h}${dot}${p}${path}${rest}`);

// twilio-node's addPort / removePort (not exported), for the shortcut's property.
function addPort(u: string): string {
  const [without, withPort] = portVariants(u);
  return without === u ? withPort : u;
}
function removePort(u: string): string {
  return portVariants(u)[0];
}

const paramValue = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("+14158675309", "a b", "é", "😀", "'", "%2B", ""));
const params = fc.dictionary(
  fc.oneof(fc.constantFrom("Body", "From", "To", "MediaUrl0", "Reason", "ReasonConferenceEnded", "a", "B", "__proto__x"), fc.string({ maxLength: 6 })),
  fc.oneof(paramValue, fc.array(paramValue, { maxLength: 4 })),
  { maxKeys: 6 },
);
const token = fc.constantFrom("12345", "primary-token-0123456789abcdef", "é😀");

// Which string the "sender" signed: one of twilio-node's candidates, or a wrong one.
const variant = fc.constantFrom("raw", "port", "noport", "normalized", "legacy", "lowercase");
function signedUrl(u: string, how: string): string {
  try {
    if (how === "port") return u.replace(/^(https?:\/\/[^/?#]*?)(\/|$)/i, "$1:443$2");
    if (how === "noport") return u.replace(/:\d+(?=\/)/, "");
    if (how === "normalized") return new URL(u).toString();
    if (how === "legacy") return withLegacyQuerystring(new URL(u).toString());
    if (how === "lowercase") return u.toLowerCase();
  } catch {
    return u;
  }
  return u;
}
const tamper = fc.constantFrom("none", "flip", "wrong-token", "garbage", "empty");

// Both builds of the default entry: what Workers/edge/browsers get, and what the `node` condition picks.
const builds = [
  ["Web Crypto build", verifyTwilioSignature],
  ["node:crypto build of the default entry", verifyDefaultOnNode],
] as const;

function tampered(signature: string, how: string): string {
  if (how === "flip") return (signature[0] === "A" ? "B" : "A") + signature.slice(1);
  if (how === "garbage") return signature.slice(0, 10) + "!";
  if (how === "empty") return "";
  return signature;
}

describe("differential against twilio-node validateRequest", () => {
  it.each(builds)("agrees on 7,000 generated form requests (%s)", async (_name, verify) => {
    const verdicts = { accepted: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(token, url, params, variant, tamper, async (t, u, p, how, tamp) => {
        const signingToken = tamp === "wrong-token" ? t + "x" : t;
        const signature = tampered(twilio.getExpectedTwilioSignature(signingToken, signedUrl(u, how), p), tamp);
        const expected = oracle(() => twilio.validateRequest(t, signature, u, p));
        const actual = await verify({ authToken: t, signature, url: u, params: p });
        expect(actual.ok).toBe(expected);
        verdicts[expected ? "accepted" : "rejected"]++;
      }),
      { numRuns: 7_000 },
    );
    // Guard against a generator that only ever produces rejections.
    expect(verdicts.accepted).toBeGreaterThan(800);
    expect(verdicts.rejected).toBeGreaterThan(1_500);
  });

  it("agrees on 1,500 generated form requests (node:crypto fast path)", async () => {
    await fc.assert(
      fc.asyncProperty(token, url, params, variant, tamper, async (t, u, p, how, tamp) => {
        const signingToken = tamp === "wrong-token" ? t + "x" : t;
        const signature = tampered(twilio.getExpectedTwilioSignature(signingToken, signedUrl(u, how), p), tamp);
        const expected = oracle(() => twilio.validateRequest(t, signature, u, p));
        expect((await verifyNode({ authToken: t, signature, url: u, params: p })).ok).toBe(expected);
      }),
      { numRuns: 1_500 },
    );
  });

  it("agrees on 1,500 generated form requests (node:crypto, synchronous)", () => {
    fc.assert(
      fc.property(token, url, params, variant, tamper, (t, u, p, how, tamp) => {
        const signingToken = tamp === "wrong-token" ? t + "x" : t;
        const signature = tampered(twilio.getExpectedTwilioSignature(signingToken, signedUrl(u, how), p), tamp);
        const expected = oracle(() => twilio.validateRequest(t, signature, u, p));
        expect(verifyTwilioSignatureSync({ authToken: t, signature, url: u, params: p }).ok).toBe(expected);
      }),
      { numRuns: 1_500 },
    );
  });

  it("agrees on 2,000 near-plain URLs, where the node:crypto path skips parsing on a mismatch", async () => {
    const verdicts = { accepted: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(token, plainishUrl, params, variant, tamper, async (t, u, p, how, tamp) => {
        const signingToken = tamp === "wrong-token" ? t + "x" : t;
        const signature = tampered(twilio.getExpectedTwilioSignature(signingToken, signedUrl(u, how), p), tamp);
        const expected = oracle(() => twilio.validateRequest(t, signature, u, p));
        expect(verifyTwilioSignatureSync({ authToken: t, signature, url: u, params: p }).ok).toBe(expected);
        expect((await verifyNode({ authToken: t, signature, url: u, params: p })).ok).toBe(expected);
        verdicts[expected ? "accepted" : "rejected"]++;
      }),
      { numRuns: 2_000 },
    );
    expect(verdicts.accepted).toBeGreaterThan(200);
    expect(verdicts.rejected).toBeGreaterThan(500);
  });
});

describe("plain URL shortcut (isNormalizedUrl)", () => {
  it("holds only where every later twilio-node candidate is a port variant of the URL as received (3,000 URLs)", () => {
    let plain = 0;
    fc.assert(
      fc.property(plainishUrl, (u) => {
        if (!isNormalizedUrl(u)) return;
        plain++;
        // twilio-node's candidates after the two port variants of the URL as received.
        const normalized = new URL(u).toString();
        const without = removePort(normalized);
        const withPort = addPort(normalized);
        const received = portVariants(u);
        for (const candidate of [without, withPort, withLegacyQuerystring(without), withLegacyQuerystring(withPort)]) expect(received).toContain(candidate);
      }),
      { numRuns: 3_000 },
    );
    // The generator must exercise the shortcut, not only its refusals.
    expect(plain).toBeGreaterThan(300);
  });

  it("refuses the URL forms `new URL()` rewrites", () => {
    for (const u of [
      "HTTPS://example.com/sms",
      "https://Example.com/sms",
      "https://example.com",
      "https://example.com:0443/sms",
      "https://example.com:/sms",
      "https://example.com:65536/sms",
      "https://127.0.0.1/sms",
      "https://example.0x1f/sms",
      "https://xn--bcher-kva.example/sms",
      "https://example.com/a/../sms",
      "https://example.com/a/%2e/sms",
      "https://example.com/a b",
      "https://example.com/a\\b",
      "https://example.com/sms?a=1&a=2",
      "https://example.com/sms?1=a",
      "https://example.com/sms?a=b+c",
      "https://example.com/sms?a=%41",
      "https://example.com/sms?a='",
      "https://example.com/sms?a",
      "https://example.com/sms?a=1&&b=2",
      "https://example.com/sms?",
      "https://example.com/sms#x",
      "https://user@example.com/sms",
    ]) {
      expect(isNormalizedUrl(u), u).toBe(false);
    }
    expect(isNormalizedUrl("https://example.com/twilio/sms")).toBe(true);
    expect(isNormalizedUrl("http://api.example.co.uk:8080/a.php")).toBe(true);
    expect(isNormalizedUrl("https://example.com/sms?tenant=acme&flow=in-bound&v=")).toBe(true);
  });
});

describe("differential against twilio-node validateRequestWithBody", () => {
  const json = fc.oneof(fc.json(), fc.string({ maxLength: 40 }), fc.constant('{"property": "value", "boolean": true}'));
  const bodyTamper = fc.constantFrom("none", "body", "hash", "no-hash", "flip");

  it.each(builds)("agrees on 1,500 generated JSON requests (%s)", async (_name, verify) => {
    const bodyVerdicts = { accepted: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(token, url, json, bodyTamper, variant, async (t, u, body, tamp, how) => {
        const hash = tamp === "hash" ? "0".repeat(64) : twilio.getExpectedBodyHash(body);
        const fullUrl = tamp === "no-hash" ? u : u + (u.includes("?") ? "&" : "?") + "bodySHA256=" + hash;
        const received = tamp === "body" ? body + " " : body;
        const signature = tampered(twilio.getExpectedTwilioSignature(t, signedUrl(fullUrl, how), {}), tamp);
        const expected = oracle(() => twilio.validateRequestWithBody(t, signature, fullUrl, received));
        expect((await verify({ authToken: t, signature, url: fullUrl, rawBody: received })).ok).toBe(expected);
        bodyVerdicts[expected ? "accepted" : "rejected"]++;
      }),
      { numRuns: 1_500 },
    );
    expect(bodyVerdicts.accepted).toBeGreaterThan(40);
  });
});

describe("legacy querystring re-encoding", () => {
  it("equals querystring.stringify(querystring.parse(q)) on 2,000 generated queries", () => {
    const raw = fc.array(fc.oneof(urlChar, fc.constantFrom("&", "=", "%41", "%E9", "%F0%9F%98", "%EF%BB%BF", "1", "2")), { maxLength: 20 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(raw, (q) => {
        // Inputs are ASCII after new URL(); the fallback decoder handles the malformed escapes.
        const ascii = q.replace(/[^\x20-\x7e]/g, "x");
        expect(withLegacyQuerystring("https://h/p?" + ascii)).toBe(ascii === "" ? "https://h/p?" : "https://h/p?" + querystring.stringify(querystring.parse(ascii)));
      }),
      { numRuns: 2_000 },
    );
  });
});
