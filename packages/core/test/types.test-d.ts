import { describe, expectTypeOf, it } from "vitest";
import { createTwilio as createApiV2010 } from "../src/generated/api-v2010.js";
import { createTwilio, type ItemOf, type ParamsOf, type ResponseOf, type Routes } from "../src/index.js";

const twilio = createTwilio({ accountSid: "AC", authToken: "x" });
type CreateMessage = Routes["POST /2010-04-01/Accounts/{AccountSid}/Messages.json"];

describe("route typing", () => {
  it("types params by their wire names with AccountSid optional", () => {
    expectTypeOf<ParamsOf<CreateMessage>>().toHaveProperty("To").toEqualTypeOf<string>();
    expectTypeOf<ParamsOf<CreateMessage>>().toHaveProperty("MediaUrl").toEqualTypeOf<string[] | undefined>();
    expectTypeOf<ParamsOf<CreateMessage>>().toHaveProperty("AccountSid").toEqualTypeOf<string | undefined>();
  });

  it("types responses wire-exact, without re-casing", () => {
    type Message = ResponseOf<CreateMessage>;
    expectTypeOf<Message>().toHaveProperty("sid");
    expectTypeOf<Message>().toHaveProperty("date_created");
    expectTypeOf<Message>().toHaveProperty("num_segments").toEqualTypeOf<string | null | undefined>();
  });

  it("returns the typed response from request", async () => {
    const message = await twilio.request("POST /2010-04-01/Accounts/{AccountSid}/Messages.json", { To: "+1", Body: "x" });
    expectTypeOf(message.status).toEqualTypeOf<"queued" | "sending" | "sent" | "failed" | "delivered" | "undelivered" | "receiving" | "received" | "accepted" | "scheduled" | "read" | "partially_delivered" | "canceled" | undefined>();
  });

  it("rejects an unknown route", () => {
    // @ts-expect-error not a route of any spec
    void twilio.request("POST /2010-04-01/Accounts/{AccountSid}/Mesages.json", { To: "+1" });
  });

  it("rejects a call without a required param", () => {
    // @ts-expect-error To is required
    void twilio.request("POST /2010-04-01/Accounts/{AccountSid}/Messages.json", { Body: "x" });
    // @ts-expect-error params are required when the operation requires some
    void twilio.messages.create();
  });

  it("rejects a param of the wrong type", () => {
    // @ts-expect-error MediaUrl is an array
    void twilio.messages.create({ To: "+1", MediaUrl: 5 });
  });

  it("lets params be omitted when none are required", () => {
    void twilio.request("GET /2010-04-01/Accounts/{AccountSid}/Messages.json");
    void twilio.messaging.v1.services.list();
  });

  it("resolves a delete to void", () => {
    expectTypeOf(twilio.messages.delete).returns.resolves.toEqualTypeOf<void>();
  });
});

describe("pagination typing", () => {
  it("yields the list's item type", () => {
    type Item = ItemOf<Routes["GET /2010-04-01/Accounts/{AccountSid}/Messages.json"]>;
    expectTypeOf<Item>().toHaveProperty("sid");
    const iterator = twilio.paginate("GET /messaging/v1/Services");
    expectTypeOf(iterator).toEqualTypeOf<AsyncGenerator<ItemOf<Routes["GET /messaging/v1/Services"]>, void, undefined>>();
  });

  it("only accepts list routes", () => {
    // @ts-expect-error a create is not a list
    void twilio.paginate("POST /2010-04-01/Accounts/{AccountSid}/Messages.json");
  });
});

describe("spec subpaths", () => {
  it("types a subpath client with that spec's routes only", () => {
    const api = createApiV2010({ accountSid: "AC", authToken: "x" });
    void api.messages.create({ To: "+1" });
    // @ts-expect-error the verify spec is not part of the api-v2010 client
    void api.request("GET /verify/v2/Services");
  });
});
