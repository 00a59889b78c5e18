import { describe, expect, expectTypeOf, it } from "vitest";
import { keyColumns, LOOKUP_KEYS } from "../src/engine/keys.js";

describe("keyColumns", () => {
  it("puts a message's To in key1 and its From in key2", () => {
    expect(keyColumns("message", { to: "+15558675310", from: "+15555550100" })).toEqual({ key1: "+15558675310", key2: "+15555550100" });
  });

  it("leaves a column undefined when its named key is absent, so a list filter filters nothing", () => {
    expect(keyColumns("alert", { logLevel: "warning" })).toEqual({ key1: undefined, key2: "warning" });
    expect(keyColumns("service_sender", { phoneNumber: "+15555550100" })).toEqual({ key1: "+15555550100", key2: undefined });
  });

  it("names every kind's columns once, in column order", () => {
    expect(LOOKUP_KEYS.verification).toEqual(["to", "status"]);
    expectTypeOf(keyColumns("call", { to: "a" })).toEqualTypeOf<{ key1?: string; key2?: string }>();
    // @ts-expect-error a call has no `status` lookup key
    keyColumns("call", { status: "busy" });
  });
});
