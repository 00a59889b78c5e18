// The compact generated rows have named, documented decoders: a reader never counts positions.
import { describe, expect, it } from "vitest";
import { operationTable } from "../src/generated/data/api-v2010.js";
import { decodeLeaf } from "../src/facade.js";
import { describeOperation } from "../src/index.js";
import { parseRoute } from "../src/operations.js";
import { unpackRows } from "../src/unpack-rows.js";

describe("describeOperation", () => {
  it("spells out a generated row with full names", () => {
    const row = operationTable["POST /2010-04-01/Accounts/{AccountSid}/Messages.json"];
    expect(describeOperation(row)).toMatchObject({ contentType: "application/x-www-form-urlencoded", arrayParams: ["PersistentAction", "MediaUrl"] });
    expect(describeOperation(operationTable["GET /2010-04-01/Accounts/{AccountSid}/Messages.json"]).listKey).toBe("messages");
  });

  it("fills in the defaults for an operation without a row", () => {
    expect(describeOperation(undefined)).toEqual({
      contentType: "application/x-www-form-urlencoded",
      arrayParams: [],
      dateParams: [],
      listKey: undefined,
      headerParams: [],
      queryParams: [],
    });
  });
});

describe("decodeLeaf", () => {
  it("reads a packed facade leaf as method and path index", () => {
    expect(decodeLeaf("POST 12")).toEqual({ method: "POST", pathIndex: 12 });
  });

  it("rejects a leaf that is not METHOD index", () => {
    expect(() => decodeLeaf("POST")).toThrow(TypeError);
    expect(() => decodeLeaf("GET x")).toThrow(/malformed facade leaf "GET x"/);
  });
});

describe("parseRoute", () => {
  it("throws a TypeError naming a route without a path or a domain", () => {
    expect(() => parseRoute("GET")).toThrow(/invalid route "GET"/);
    expect(() => parseRoute("GET /verify")).toThrow(/no domain segment/);
    expect(parseRoute("GET /verify/v2/Services")).toEqual({ method: "GET", domain: "verify", path: "/v2/Services" });
  });
});

describe("unpackRows", () => {
  const facade = { prefix: "/verify/v2", paths: ["~/Services", "/verify/v2/Services/{Sid}", "/other/v1/Things"], tree: {} };

  it("keys rows by route, expanding the ~ prefix", () => {
    expect(unpackRows(facade, { "GET 0": { l: "services" }, "POST 2": { c: "application/json" } })).toEqual({
      "GET /verify/v2/Services": { l: "services" },
      "POST /other/v1/Things": { c: "application/json" },
    });
  });

  it("rejects a key that points at no path", () => {
    expect(() => unpackRows(facade, { "GET 9": {} })).toThrow(/malformed operation row key "GET 9"/);
    expect(() => unpackRows(facade, { GET: {} })).toThrow(TypeError);
  });
});
