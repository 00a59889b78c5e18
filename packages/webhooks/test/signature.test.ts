import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { computeTwilioSignature, serializeParams, verifyTwilioSignature } from "../src/index.js";
import { computeTwilioSignature as computeNode, verifyTwilioSignature as verifyNode, verifyTwilioSignatureSync } from "../src/node.js";

// Shared fixture of the official libraries and the docs example.
const token = "12345";
const fixtureUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
const fixtureParams = { CallSid: "CA1234567890ABCDE", Caller: "+14158675309", Digits: "1234", From: "+14158675309", To: "+18005551212" };

describe("computeTwilioSignature", () => {
  it("matches the official libraries' shared fixture", async () => {
    expect(await computeTwilioSignature(token, fixtureUrl, fixtureParams)).toBe("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  });

  it("matches the docs example", async () => {
    const params = { ...fixtureParams, Caller: "+12349013030", From: "+12349013030" };
    expect(await computeTwilioSignature(token, fixtureUrl, params)).toBe("0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
  });

  it("sorts and de-duplicates the values of a repeated name", async () => {
    // twilio-node 6.2.0 gives this value (the reference notes' IK+D… is over other params).
    const params = { ...fixtureParams, Digits: ["5678", "1234", "1234"] };
    expect(await computeTwilioSignature(token, fixtureUrl, params)).toBe("1F55Y6EDsEviuHKQm9BIkrznRZk=");
    expect(await computeTwilioSignature(token, fixtureUrl, { ...fixtureParams, Digits: ["1234", "5678"] })).toBe("1F55Y6EDsEviuHKQm9BIkrznRZk=");
  });

  it("accepts URLSearchParams and entry lists the same as a record", async () => {
    const record = await computeTwilioSignature(token, fixtureUrl, { a: ["2", "1"], b: "x" });
    expect(await computeTwilioSignature(token, fixtureUrl, new URLSearchParams("a=2&b=x&a=1"))).toBe(record);
    expect(await computeTwilioSignature(token, fixtureUrl, [["b", "x"], ["a", "1"], ["a", "2"]])).toBe(record);
  });

  it("signs with an empty token like node:crypto does", async () => {
    const { createHmac } = await import("node:crypto");
    expect(await computeTwilioSignature("", "https://a.b/", {})).toBe(createHmac("sha1", "").update("https://a.b/").digest("base64"));
  });
});

describe("computeTwilioSignature (node:crypto)", () => {
  it("matches the official libraries' shared fixture", async () => {
    expect(await computeNode(token, fixtureUrl, fixtureParams)).toBe("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  });

  it("rejects rather than throws when params cannot be enumerated", async () => {
    const params = new Proxy({}, { ownKeys: () => { throw new Error("no keys"); } });
    await expect(computeNode(token, fixtureUrl, params)).rejects.toThrow("no keys");
  });
});

describe("verifyTwilioSignatureSync", () => {
  it("returns the verdict itself, not a promise", () => {
    expect(verifyTwilioSignatureSync({ authToken: token, signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: fixtureUrl, params: fixtureParams })).toEqual({ ok: true });
  });

  it("calls params that cannot be enumerated a mismatch instead of throwing", () => {
    const params = new Proxy({}, { ownKeys: () => { throw new Error("no keys"); } });
    expect(verifyTwilioSignatureSync({ authToken: token, signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: fixtureUrl, params })).toEqual({ ok: false, reason: "mismatch" });
  });

  it("gets every request right when names come in changing orders and sets (sorted-names cache)", () => {
    const reordered = { To: fixtureParams.To, Digits: fixtureParams.Digits, From: fixtureParams.From, Caller: fixtureParams.Caller, CallSid: fixtureParams.CallSid };
    const fewer = { CallSid: "CA1", To: "+1" };
    const same = { CallSid: "CA1", Tx: "+1" };
    const requests = [fixtureParams, fixtureParams, { ...fixtureParams, Digits: "9" }, reordered, fewer, same, fixtureParams, same, fixtureParams];
    for (const params of requests) {
      const signature = createHmac("sha1", token).update(fixtureUrl + serializeParams(params)).digest("base64");
      expect(verifyTwilioSignatureSync({ authToken: token, signature, url: fixtureUrl, params })).toEqual({ ok: true });
    }
    // A hit on the cached order must still sign the current values.
    const signature = createHmac("sha1", token).update(fixtureUrl + serializeParams(fixtureParams)).digest("base64");
    expect(verifyTwilioSignatureSync({ authToken: token, signature, url: fixtureUrl, params: { ...fixtureParams, Digits: "9" } })).toMatchObject({ ok: false, reason: "mismatch" });
  });
});

describe.each([
  ["web crypto", verifyTwilioSignature],
  ["node:crypto", verifyNode],
  ["node:crypto, synchronous", (options: Parameters<typeof verifyTwilioSignatureSync>[0]) => Promise.resolve(verifyTwilioSignatureSync(options))],
])("verifyTwilioSignature (%s)", (_name, verify) => {
  it("accepts the fixture", async () => {
    expect(await verify({ authToken: token, signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: fixtureUrl, params: fixtureParams })).toEqual({ ok: true });
  });

  it("accepts a signature over the URL with :443 when the URL has no port", async () => {
    expect(await verify({ authToken: token, signature: "kvajT1Ptam85bY51eRf/AJRuM3w=", url: fixtureUrl, params: fixtureParams })).toEqual({ ok: true });
  });

  it("accepts a signature made with the secondary token during rotation", async () => {
    const signature = await computeTwilioSignature("secondary", fixtureUrl, fixtureParams);
    expect(await verify({ authToken: ["primary", "secondary"], signature, url: fixtureUrl, params: fixtureParams })).toEqual({ ok: true });
  });

  it("rejects a signature made with another token", async () => {
    const signature = await computeTwilioSignature("other", fixtureUrl, fixtureParams);
    expect(await verify({ authToken: token, signature, url: fixtureUrl, params: fixtureParams })).toMatchObject({ ok: false, reason: "mismatch", checkedUrl: fixtureUrl });
  });

  it("reports missing and malformed signatures without throwing", async () => {
    expect(await verify({ authToken: token, signature: undefined, url: fixtureUrl })).toEqual({ ok: false, reason: "missing_signature" });
    expect(await verify({ authToken: token, signature: "", url: fixtureUrl })).toEqual({ ok: false, reason: "missing_signature" });
    expect(await verify({ authToken: token, signature: "garbage 😀", url: fixtureUrl })).toEqual({ ok: false, reason: "malformed_signature" });
  });

  it("reports a missing auth token as a configuration problem", async () => {
    expect(await verify({ authToken: [], signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: fixtureUrl })).toEqual({ ok: false, reason: "missing_auth_token" });
  });

  it("reports a URL that does not parse", async () => {
    expect(await verify({ authToken: token, signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: "not a url" })).toMatchObject({ ok: false, reason: "invalid_url" });
  });

  it("survives huge and unicode params", async () => {
    const params = { Body: "é😀\uD800".repeat(50_000), ["😀".repeat(100)]: ["x", "y"] };
    const signature = await computeTwilioSignature(token, fixtureUrl, params);
    expect(await verify({ authToken: token, signature, url: fixtureUrl, params })).toEqual({ ok: true });
  });

  describe("with a JSON body", () => {
    const body = '{"property": "value", "boolean": true}';
    const hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    const url = `https://mycompany.com/myapp.php?bodySHA256=${hash}`;

    it("accepts the raw body whose SHA-256 is in the signed URL", async () => {
      const signature = await computeTwilioSignature(token, url);
      expect(await verify({ authToken: token, signature, url, rawBody: body })).toEqual({ ok: true });
      expect(await verify({ authToken: token, signature, url, rawBody: new TextEncoder().encode(body) })).toEqual({ ok: true });
    });

    it("rejects a body altered after signing", async () => {
      const signature = await computeTwilioSignature(token, url);
      expect(await verify({ authToken: token, signature, url, rawBody: body.replace("true", "false") })).toMatchObject({ ok: false, reason: "body_hash_mismatch" });
    });

    it("rejects a raw body when the URL carries no bodySHA256", async () => {
      const signature = await computeTwilioSignature(token, fixtureUrl);
      expect(await verify({ authToken: token, signature, url: fixtureUrl, rawBody: body })).toMatchObject({ ok: false, reason: "missing_body_hash" });
    });
  });
});
