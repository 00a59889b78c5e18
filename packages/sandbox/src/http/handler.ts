// The shape of an emulated operation's handler.
import type { Context, Principal } from "../engine/context.js";
import type { Operation } from "./route-table.js";
import type { Params } from "../engine/util.js";

/** Everything a handler sees of one API request. */
export interface HandlerRequest {
  ctx: Context;
  operation: Operation;
  /** Query and body params merged, decoded, repeated keys kept. */
  params: Params;
  /** Path params by their spec names (`AccountSid`, `Sid`). */
  path: Record<string, string>;
  principal: Principal;
  /** The request path without the domain prefix (for 404 messages). */
  rawPath: string;
  /** Request headers, lower-case names: for header params such as `X-Twilio-Webhook-Enabled`. */
  headers?: Readonly<Record<string, string | string[] | undefined>>;
}

/** A handler's answer: status and JSON body (none for 204). */
export interface HandlerResult {
  status: number;
  body?: unknown;
}

/** One emulated operation. */
export type Handler = (request: HandlerRequest) => HandlerResult | Promise<HandlerResult>;
