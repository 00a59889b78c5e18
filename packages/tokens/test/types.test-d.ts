import { describe, expectTypeOf, it } from "vitest";
import { createAccessToken, verifyAccessToken, type AccessTokenOptions, type ClientScope } from "../src/index.js";

describe("public types", () => {
  it("returns the claims only on the branches where the signature checked", async () => {
    const result = await verifyAccessToken("a.b.c", { apiSecret: "s" });
    if (result.ok) expectTypeOf(result.claims).toEqualTypeOf<Record<string, unknown>>();
    else if (result.reason === "expired") expectTypeOf(result.claims).toEqualTypeOf<Record<string, unknown>>();
    // @ts-expect-error a bad signature carries no claims
    else result.claims;
  });

  it("takes twilio-node's grant option names and rejects others", () => {
    expectTypeOf(createAccessToken).returns.toEqualTypeOf<Promise<string>>();
    const options: AccessTokenOptions = { accountSid: "AC", apiKey: "SK", apiSecret: "s", identity: 1, grants: { voice: { incomingAllow: true }, video: { room: "r" } } };
    // @ts-expect-error roomName is not an option of the video grant
    const typo: AccessTokenOptions = { ...options, grants: { video: { roomName: "r" } } };
    // @ts-expect-error algorithms are HMAC only
    const rs: AccessTokenOptions = { ...options, algorithm: "RS256" };
    expectTypeOf<ClientScope["kind"]>().toEqualTypeOf<"incoming" | "outgoing" | "eventStream">();
    void typo;
    void rs;
  });
});
