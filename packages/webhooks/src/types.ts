// Names for the generated @twilio-kit/core types this package uses, imported as types only.
//
// Users must not need @twilio-kit/core installed, so the emitted .d.ts may not mention it. Bundling
// core's declarations (tsup `dts.resolve`) would inline its whole `components` interface (the
// index.d.ts grows from 8 KB to 218 KB for two unions). Instead each alias goes through the inferred
// type of a const: declaration emit prints an inferred union as its literals, so the .d.ts carries
// exactly the spec's values and nothing else. This file is never imported as a value: no run time cost.
import type { components } from "@twilio-kit/core/api-v2010";

type Schemas = components["schemas"];

// Only its inferred return type matters; never called at run time.
function typeOf<T>(): T {
  return undefined as T;
}

const messageEnumStatus = typeOf<Schemas["message_enum_status"]>();
const callEnumStatus = typeOf<Schemas["call_enum_status"]>();

/** A message's `status` (OpenAPI `message_enum_status` of API v2010). */
export type MessageEnumStatus = typeof messageEnumStatus;

/** A call's `status` (OpenAPI `call_enum_status` of API v2010). */
export type CallEnumStatus = typeof callEnumStatus;
