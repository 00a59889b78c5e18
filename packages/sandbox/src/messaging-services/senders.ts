// Which sender a message sent through a service uses, and which service a number belongs to.
import type { Context } from "../engine/context.js";
import { bareNumber } from "../engine/util.js";
import { badRequest } from "../http/errors.js";
import type { NumberDoc } from "../numbers/number.js";
import { findService, poolKey, senders, type SenderDoc, type ServiceDoc } from "./service.js";

/** The service whose pool holds this owned number, if any (inbound routing). */
export function serviceOfNumber(ctx: Context, number: NumberDoc): ServiceDoc | undefined {
  const sender = ctx.store.get<SenderDoc>("service_sender", poolKey(number.sid));
  if (!sender) return undefined;
  return findService(ctx, number.account_sid, sender.service_sid);
}

/**
 * The sender of a message sent through a service: with `from`, checks that it is in the pool;
 * otherwise the sticky sender of this `to` (Sticky Sender on) or the first of the pool.
 * @throws SandboxHttpError 400: 21705 unknown service, 21704 empty pool, 21606 `from` outside the pool
 */
export function senderOf(ctx: Context, accountSid: string, serviceSid: string, to: string, from: string | undefined): { service: ServiceDoc; from: string } {
  const service = findService(ctx, accountSid, serviceSid);
  if (!service) throw badRequest(21705, `The Messaging Service Sid ${serviceSid} is invalid.`);
  // a number deleted from the account since it joined the pool no longer sends
  const pool = senders(ctx, service).filter((sender) => ctx.store.cached<NumberDoc>("number", sender._pn)?.account_sid === accountSid);
  if (pool.length === 0) throw badRequest(21704, `The Messaging Service ${serviceSid} contains no phone numbers.`);
  if (from !== undefined && from !== "") {
    const wanted = bareNumber(from);
    if (!pool.some((sender) => sender.phone_number === wanted)) {
      throw badRequest(21606, `The 'From' phone number provided (${from}) is not in the sender pool of Messaging Service ${serviceSid}.`);
    }
    return { service, from };
  }
  if (!service.sticky_sender) return { service, from: pool[0]!.phone_number };
  const key = `sticky:${serviceSid}:${bareNumber(to)}`;
  const sticky = ctx.store.meta(key);
  if (sticky !== undefined && pool.some((sender) => sender.phone_number === sticky)) return { service, from: sticky };
  const chosen = pool[0]!.phone_number;
  ctx.store.setMeta(key, chosen);
  return { service, from: chosen };
}
