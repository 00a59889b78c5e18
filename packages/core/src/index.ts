/**
 * @twilio-kit/core: a typed client for every Twilio REST operation.
 * @example
 * import { createTwilio } from "@twilio-kit/core";
 * const twilio = createTwilio(); // TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN
 * const message = await twilio.messages.create({ To: "+15558675310", From: "+15017122661", Body: "Hi" });
 */
import { createClient, type TwilioClient, type TwilioOptions } from "./client.js";
import { buildFacade } from "./facade.js";
import { apiV2010, lazySpecs, type Facade, type Routes } from "./generated/index.js";
import type { Facade as ApiV2010Facade } from "./generated/api-v2010.js";
import { createSpecLoader, type SpecLoader } from "./lazy-facade.js";
import type { OperationSpec } from "./operations.js";

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
export { describeOperation, type OperationDescription, type OperationSpec, type OperationTable } from "./operations.js";
export type { ItemOf, ListRoute, PaginateOptions, ParamsOf, RequestOptions, ResponseOf } from "./types.js";
export type { Facade, Routes };

/**
 * The batteries-included client: `request` and `paginate` over every route, a facade per product
 * (`twilio.messaging.v1.services.list()`), and the 2010 API's resources at the top (`twilio.messages`),
 * except where a product has the same name (`twilio.accounts` is accounts.twilio.com, as in twilio-node).
 */
export type Twilio = TwilioClient<Routes> & Facade & Omit<ApiV2010Facade, keyof Facade>;

/** Defines `key` on `target` as a getter that builds the value on first use and then caches it. */
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
 * Wraps `request` and `paginate` so a route of a product not loaded yet first loads its table (the
 * table says how to encode arrays, dates, JSON bodies and headers); loaded routes go straight through.
 */
function loadBeforeCalls(client: ReturnType<typeof createClient<Routes>>, loader: SpecLoader): void {
  const { request, paginate } = client;
  const untyped = client as unknown as Record<"request" | "paginate", (...args: unknown[]) => unknown>;
  untyped.request = (...args: unknown[]) => {
    const spec = loader.pendingFor(args[0] as string);
    const call = () => (request as (...a: unknown[]) => unknown)(...args);
    return spec ? loader.ensure(spec).then(call) : call();
  };
  untyped.paginate = (...args: unknown[]) => {
    const spec = loader.pendingFor(args[0] as string);
    const iterate = () => (paginate as (...a: unknown[]) => AsyncGenerator<unknown, void, undefined>)(...args);
    if (!spec) return iterate();
    return (async function* () {
      await loader.ensure(spec);
      yield* iterate();
    })();
  };
}

/**
 * Creates a client for every Twilio product. Only the 2010 API (messages, calls, numbers…) loads with
 * it; any other product's tables load on its first call, so importing this entry costs about what the
 * `@twilio-kit/core/api-v2010` subpath costs, and every product is typed and reachable.
 * @throws TypeError when credentials are missing or malformed.
 */
export function createTwilio(options: TwilioOptions = {}): Twilio {
  // One table per client: the 2010 API's rows now, other specs' rows as they load.
  const table: Record<string, OperationSpec> = { ...apiV2010.operationTable };
  const client = createClient<Routes>(options, table);
  const loader = createSpecLoader(client, table, lazySpecs);
  loadBeforeCalls(client, loader);
  const versionsOf = new Map<string, object>();
  for (const spec of lazySpecs) {
    const [domain, version] = spec.path as [string, string | undefined];
    if (version === undefined) {
      defineLazy(client, domain, () => loader.facadeOf(spec));
      continue;
    }
    let versions = versionsOf.get(domain);
    if (!versions) {
      versionsOf.set(domain, (versions = {}));
      Object.defineProperty(client, domain, { value: versions, enumerable: true });
    }
    defineLazy(versions, version, () => loader.facadeOf(spec));
  }
  const api = {};
  defineLazy(api, "v2010", () => buildFacade(client, apiV2010.facadeTree));
  Object.defineProperty(client, "api", { value: api, enumerable: true });
  for (const resource of Object.keys(apiV2010.facadeTree.tree)) {
    if (resource in client) continue;
    defineLazy(client, resource, () => (api as { v2010: Record<string, unknown> }).v2010[resource]);
  }
  return client as unknown as Twilio;
}
