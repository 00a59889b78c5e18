/**
 * @twilio-kit/core: a typed client for every Twilio REST operation.
 * @example
 * import { createTwilio } from "@twilio-kit/core";
 * const twilio = createTwilio(); // TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN
 * const message = await twilio.messages.create({ To: "+15558675310", From: "+15017122661", Body: "Hi" });
 */
import { createClient, type TwilioClient, type TwilioOptions } from "./client.js";
import { buildFacade, type PackedFacade } from "./facade.js";
import { specModules, type Facade, type Routes } from "./generated/index.js";
import type { Facade as ApiV2010Facade } from "./generated/api-v2010.js";
import type { OperationTable } from "./operations.js";

export { createClient, type TwilioClient, type TwilioOptions } from "./client.js";
export {
  TwilioApiError,
  TwilioAuthenticationError,
  TwilioConnectionError,
  TwilioError,
  TwilioInvalidRequestError,
  TwilioNotFoundError,
  TwilioPermissionError,
  TwilioRateLimitError,
  TwilioServerError,
  type TwilioErrorBody,
} from "./errors.js";
export type { Method, Paginate } from "./facade.js";
export type { RequestLogEvent } from "./send-with-retry.js";
export type { OperationSpec, OperationTable } from "./operations.js";
export type { ItemOf, ListRoute, PaginateOptions, ParamsOf, RequestOptions, ResponseOf } from "./types.js";
export type { Facade, Routes };

/**
 * The batteries-included client: `request` and `paginate` over every route, a facade per product
 * (`twilio.messaging.v1.services.list()`), and the 2010 API's resources at the top (`twilio.messages`),
 * except where a product has the same name (`twilio.accounts` is accounts.twilio.com, as in twilio-node).
 */
export type Twilio = TwilioClient<Routes> & Facade & Omit<ApiV2010Facade, keyof Facade>;

type SpecModule = { operationTable: OperationTable; facadeTree: PackedFacade };

function isSpecModule(value: object): value is SpecModule {
  return "operationTable" in value;
}

/** Every spec's table merged once per process; cheap (one object of ~1,500 keys). */
let mergedTable: OperationTable | undefined;
function allOperations(): OperationTable {
  if (mergedTable) return mergedTable;
  const table: Record<string, OperationTable[string]> = {};
  for (const group of Object.values(specModules)) {
    const modules = isSpecModule(group) ? [group] : Object.values(group as Record<string, SpecModule>);
    for (const module of modules) Object.assign(table, module.operationTable);
  }
  return (mergedTable = table);
}

/** Defines `key` on `target` as a getter that builds the facade on first use and then caches it. */
function defineLazy(target: object, key: string, build: () => unknown): void {
  Object.defineProperty(target, key, {
    configurable: true,
    enumerable: true,
    get() {
      const value = build();
      Object.defineProperty(target, key, { value, enumerable: true });
      return value;
    },
  });
}

/**
 * Creates a client for every Twilio product. For a smaller bundle, import `createTwilio` from the
 * product's subpath instead (`@twilio-kit/core/api-v2010`): same options, same facade, one spec.
 * @throws TypeError when credentials are missing or malformed.
 */
export function createTwilio(options: TwilioOptions = {}): Twilio {
  const client = createClient<Routes>(options, allOperations());
  for (const [domain, group] of Object.entries(specModules)) {
    if (isSpecModule(group)) {
      defineLazy(client, domain, () => buildFacade(client, group.facadeTree));
      continue;
    }
    const versions = {};
    for (const [version, module] of Object.entries(group as Record<string, SpecModule>)) {
      defineLazy(versions, version, () => buildFacade(client, module.facadeTree));
    }
    Object.defineProperty(client, domain, { value: versions, enumerable: true });
  }
  for (const resource of Object.keys(specModules.api.v2010.facadeTree.tree)) {
    if (resource in client) continue;
    defineLazy(client, resource, () => (client as unknown as { api: { v2010: Record<string, unknown> } }).api.v2010[resource]);
  }
  return client as unknown as Twilio;
}
