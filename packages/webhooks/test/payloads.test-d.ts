import type { components } from "@twilio-kit/core/api-v2010";
import { describe, expectTypeOf, it } from "vitest";
import { parseCallStatus, parseIncomingCall, parseMessageStatus, parseTwilioWebhook, type CallStatus, type MessageStatus } from "../src/index.js";

type Schemas = components["schemas"];

describe("payload status types", () => {
  it("types a message status as the spec's message_enum_status", () => {
    expectTypeOf<MessageStatus>().toEqualTypeOf<Schemas["message_enum_status"]>();
    expectTypeOf(parseMessageStatus({}).MessageStatus).toEqualTypeOf<Schemas["message_enum_status"]>();
  });

  it("types a call status as the spec's call_enum_status plus the callback-only initiated", () => {
    expectTypeOf<CallStatus>().toEqualTypeOf<Schemas["call_enum_status"] | "initiated">();
    expectTypeOf(parseCallStatus({}).CallStatus).toEqualTypeOf<Schemas["call_enum_status"] | "initiated">();
    expectTypeOf(parseIncomingCall({}).CallStatus).toEqualTypeOf<CallStatus>();
  });

  it("narrows the union by its type tag", () => {
    const webhook = parseTwilioWebhook({});
    if (webhook?.type === "message-status") expectTypeOf(webhook.MessageStatus).toEqualTypeOf<MessageStatus>();
    // @ts-expect-error `initiated` is a call status, not a message status
    const wrong: MessageStatus = "initiated";
    void wrong;
  });
});
