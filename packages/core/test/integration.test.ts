// The client against a real local HTTP server: sockets, real status codes, real headers.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { TwilioConnectionError, TwilioInvalidRequestError, createTwilio } from "../src/index.js";
import { ACCOUNT_SID, AUTH_TOKEN, startServer } from "./helpers.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

describe("against a real HTTP server", () => {
  it("sends an SMS and reads the wire-exact answer", async () => {
    const server = await startServer((request) => ({
      status: 201,
      body: { sid: "SM1", status: "queued", num_segments: "1", date_created: "Thu, 24 Aug 2023 05:01:45 +0000", body: new URLSearchParams(request.body).get("Body") },
    }));
    closers.push(server.close);
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: server.url });
    const message = await twilio.messages.create({ To: "+15558675310", From: "+15017122661", Body: "héllo ☎" });
    expect(message).toMatchObject({ sid: "SM1", num_segments: "1", date_created: "Thu, 24 Aug 2023 05:01:45 +0000", body: "héllo ☎" });
    expect(server.seen[0]).toMatchObject({ method: "POST", url: `/api/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json` });
    expect(server.seen[0]!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });

  it("retries a 429 with Retry-After and then succeeds", async () => {
    let calls = 0;
    const server = await startServer(() =>
      ++calls === 1 ? { status: 429, body: { code: 20429, message: "Too Many Requests", status: 429 }, headers: { "retry-after": "0" } } : { status: 201, body: { sid: "SM2" } },
    );
    closers.push(server.close);
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: server.url });
    await expect(twilio.messages.create({ To: "+1", Body: "x" })).resolves.toMatchObject({ sid: "SM2" });
    expect(calls).toBe(2);
  });

  it("surfaces a Twilio error body as a typed error", async () => {
    const server = await startServer(() => ({
      status: 400,
      body: { code: 21604, message: "A 'To' phone number is required.", more_info: "https://www.twilio.com/docs/errors/21604", status: 400 },
    }));
    closers.push(server.close);
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: server.url });
    const error = await twilio.messages.create({ To: "" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwilioInvalidRequestError);
    expect(error).toMatchObject({ code: 21604, status: 400, moreInfo: "https://www.twilio.com/docs/errors/21604" });
  });

  it("times out a server that never answers, without retrying the POST", async () => {
    let hits = 0;
    const server = createServer(() => {
      hits++; // never respond
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    closers.push(async () => void server.closeAllConnections());
    const { port } = server.address() as AddressInfo;
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 100 });
    const error = (await twilio.messages.create({ To: "+1", Body: "x" }).catch((e: unknown) => e)) as TwilioConnectionError;
    expect(error).toBeInstanceOf(TwilioConnectionError);
    expect(error.isTimeout).toBe(true);
    expect(hits).toBe(1);
  });

  it("reports a refused connection as a connection error", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const twilio = createTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
    const error = (await twilio.messages.list().catch((e: unknown) => e)) as TwilioConnectionError;
    expect(error).toBeInstanceOf(TwilioConnectionError);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});
