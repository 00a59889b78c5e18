// Clients that misbehave: disconnecting mid-body, sending bodies far over the limit. Every adapter
// must stay up, keep memory bounded, and answer the next honest request.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { computeTwilioSignature } from "../src/index.js";
import { abortMidBody, adapters, peakMemoryGrowth, upload, type Started } from "./servers.js";

const authToken = "hostile-client-token";
const form = { MessageSid: "SM" + "1".repeat(32), Body: "still here", From: "+15005550006" };
const MiB = 1024 * 1024;

async function signedPost(base: string): Promise<Response> {
  const signature = await computeTwilioSignature(authToken, `${base}/hooks/sms`, form);
  return fetch(`${base}/hooks/sms`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
    body: new URLSearchParams(form).toString(),
  });
}

// An unhandled rejection is what took the whole process down (`Error: aborted`, exit 1).
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on("unhandledRejection", onUnhandled);
});
afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
});

describe.each(Object.keys(adapters))("%s adapter with a hostile client", (name) => {
  let server: Started;
  beforeAll(async () => {
    server = await adapters[name]!({ authToken });
  });
  afterAll(() => server.close());

  it("drops ten clients that disconnect mid-body quietly and then answers a signed request", async () => {
    const signature = await computeTwilioSignature(authToken, `${server.base}/hooks/sms`, form);
    for (let i = 0; i < 10; i++) await abortMidBody(server.base, { "x-twilio-signature": signature });
    // Give the server time to notice every disconnect before judging.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await signedPost(server.base)).status).toBe(200);
    expect(unhandled).toEqual([]);
    expect(server.errors).toEqual([]);
  });

  it("refuses a 64 MiB body declared in Content-Length without reading it, memory bounded", async () => {
    const { result, growthBytes } = await peakMemoryGrowth(() => upload(server.base, 64 * MiB, { "content-length": String(64 * MiB) }));
    expect(result.how).not.toBe("timeout");
    if (result.how === "response") expect(result.status).toBe(413);
    expect(result.sentBytes).toBeLessThan(64 * MiB);
    expect(growthBytes).toBeLessThan(24 * MiB);
    expect((await signedPost(server.base)).status).toBe(200);
  });

  it("stops reading a 64 MiB chunked body at the limit and answers 413, memory bounded", async () => {
    const signature = await computeTwilioSignature(authToken, `${server.base}/hooks/sms`, form);
    const { result, growthBytes } = await peakMemoryGrowth(() => upload(server.base, 64 * MiB, { "x-twilio-signature": signature }));
    expect(result.how).not.toBe("timeout");
    if (result.how === "response") expect(result.status).toBe(413);
    expect(result.sentBytes).toBeLessThan(64 * MiB);
    expect(growthBytes).toBeLessThan(24 * MiB);
    expect((await signedPost(server.base)).status).toBe(200);
    expect(server.errors).toEqual([]);
  });

  it("honours a smaller maxBodyBytes and still accepts a body at the limit", async () => {
    const body = new URLSearchParams(form).toString();
    const tight = await adapters[name]!({ authToken, maxBodyBytes: Buffer.byteLength(body) });
    try {
      expect((await signedPost(tight.base)).status).toBe(200);
      const signature = await computeTwilioSignature(authToken, `${tight.base}/hooks/sms`, { ...form, Body: form.Body + "!" });
      const over = await fetch(`${tight.base}/hooks/sms`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
        body: new URLSearchParams({ ...form, Body: form.Body + "!" }).toString(),
      });
      expect(over.status).toBe(413);
    } finally {
      await tight.close();
    }
  });
});
