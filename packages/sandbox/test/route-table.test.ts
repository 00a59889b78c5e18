import { describe, expect, it } from "vitest";
import { ROUTE_ROWS } from "../src/generated/routes.js";
import { decodeParam, decodeRoute } from "../src/http/route-table.js";

describe("decodeRoute", () => {
  it("names every position of a route row and its params", () => {
    const row = ROUTE_ROWS.find((candidate) => candidate[3] === "CreateMessage" && candidate[1] === "api")!;
    const route = decodeRoute(row);
    expect(route).toMatchObject({ method: "POST", domain: "api", path: "/2010-04-01/Accounts/{AccountSid}/Messages.json", operationId: "CreateMessage", successStatus: 201 });
    expect(route.params.find((param) => param.name === "AccountSid")).toMatchObject({ location: "path", isRequired: true, type: "string" });
    expect(route.params.find((param) => param.name === "StatusCallback")).toMatchObject({ location: "body", isRequired: false, rules: { isUri: true } });
  });

  it("spells the compact constraint keys out by their OpenAPI names", () => {
    expect(decodeParam(["PageSize", "q", 0, "integer", { min: 1, max: 1000 }])).toEqual({
      name: "PageSize",
      location: "query",
      isRequired: false,
      type: "integer",
      rules: { pattern: undefined, enum: undefined, minimum: 1, maximum: 1000, maxLength: undefined, isUri: false, itemType: undefined },
    });
    expect(decodeParam(["X-Twilio-Webhook-Enabled", "h", 0, "string"]).rules).toBeUndefined();
  });
});
