// A runtime whose crypto fails is a misconfigured server, not a forged request: its own reason
// (`crypto_error`, answered 500), still a rejection, and never confused with a `mismatch`.
import { afterEach, describe, expect, it, vi } from "vitest";
import { computeTwilioSignature, verifyTwilioSignature, verifyTwilioRequest } from "../src/index.js";
import * as nodeBuild from "../src/index-node.js";
import { verifyTwilioSignatureSync } from "../src/node.js";

// node:crypto that fails on demand, as a FIPS build without SHA-1 or a broken OpenSSL would.
const broken = vi.hoisted(() => ({ hmac: false }));
vi.mock("node:crypto", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:crypto")>();
  return {
    ...real,
    createHmac: (...args: Parameters<typeof real.createHmac>) => {
      if (broken.hmac) throw new Error("error:0308010C:digital envelope routines::unsupported");
      return real.createHmac(...args);
    },
  };
});

const url = "https://example.com/sms";
const params = { Body: "hi", From: "+15005550006" };

afterEach(() => {
  vi.unstubAllGlobals();
  broken.hmac = false;
});

describe("Web Crypto build", () => {
  it("rejects with crypto_error, not mismatch, when the runtime has no Web Crypto", async () => {
    const authToken = "no-web-crypto-token";
    const signature = await computeTwilioSignature(authToken, url, params);
    vi.stubGlobal("crypto", undefined);
    expect(await verifyTwilioSignature({ authToken, signature, url, params })).toEqual({ ok: false, reason: "crypto_error" });
  });

  it("rejects with crypto_error when the key cannot be imported, and retries the import once it can", async () => {
    const authToken = "never-imported-token";
    const refusing = { subtle: { importKey: () => Promise.reject(new DOMException("unsupported", "NotSupportedError")) } };
    vi.stubGlobal("crypto", refusing);
    expect(await verifyTwilioSignature({ authToken, signature: "A".repeat(27) + "=", url, params })).toEqual({ ok: false, reason: "crypto_error" });
    vi.unstubAllGlobals();
    // The failed import was not cached: with crypto back, the same token verifies.
    const signature = await computeTwilioSignature(authToken, url, params);
    expect(await verifyTwilioSignature({ authToken, signature, url, params })).toEqual({ ok: true });
  });

  it("answers 500 naming a server-side failure, not a failed validation, in the Fetch adapter", async () => {
    const authToken = "fetch-crypto-token";
    const signature = await computeTwilioSignature(authToken, url, params);
    vi.stubGlobal("crypto", undefined);
    const request = new Request(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature }, body: "Body=hi&From=%2B15005550006" });
    const result = await verifyTwilioRequest(request, { authToken });
    expect(result).toMatchObject({ ok: false, status: 500, reason: "crypto_error" });
  });
});

describe("node:crypto build", () => {
  it("rejects with crypto_error when node:crypto fails, in the sync and the default-entry verifiers", async () => {
    const authToken = "node-crypto-token";
    const signature = await nodeBuild.computeTwilioSignature(authToken, url, params);
    broken.hmac = true;
    expect(verifyTwilioSignatureSync({ authToken, signature, url, params })).toEqual({ ok: false, reason: "crypto_error" });
    expect(await nodeBuild.verifyTwilioSignature({ authToken, signature, url, params })).toEqual({ ok: false, reason: "crypto_error" });
    broken.hmac = false;
    expect(verifyTwilioSignatureSync({ authToken, signature, url, params })).toEqual({ ok: true });
  });
});

describe("input that throws when read", () => {
  const hostile = Object.defineProperty({}, "Body", {
    enumerable: true,
    get() {
      throw new Error("getter");
    },
  });

  it("is still a mismatch in both builds: a bad request, not a server failure", async () => {
    const input = { authToken: "t", signature: "A".repeat(27) + "=", url, params: hostile };
    expect(await verifyTwilioSignature(input)).toEqual({ ok: false, reason: "mismatch" });
    expect(await nodeBuild.verifyTwilioSignature(input)).toEqual({ ok: false, reason: "mismatch" });
    expect(verifyTwilioSignatureSync(input)).toEqual({ ok: false, reason: "mismatch" });
  });
});
