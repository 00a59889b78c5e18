// Type-level helpers that turn an openapi-typescript operation into call params and a response.
// Hand-written code names generated types only through these aliases.

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The part of `parameters` named K (path, query, header), or `{}`. */
type ParameterPart<O, K extends "path" | "query" | "header"> = O extends { parameters: infer P }
  ? P extends { [key in K]?: infer X }
    ? [NonNullable<X>] extends [never]
      ? {}
      : NonNullable<X>
    : {}
  : {};

/** Body properties of the operation's only request content type, or `{}`. */
type BodyPart<O> = O extends { requestBody?: infer B }
  ? [NonNullable<B>] extends [never]
    ? {}
    : [NonNullable<B>] extends [{ content: infer C }]
    ? C[keyof C] extends infer Body
      ? Body extends object
        ? Body
        : {}
      : {}
    : {}
  : {};

/** `AccountSid` in a path defaults to the client's account, so it is optional. */
type AccountSidOptional<P> = "AccountSid" extends keyof P ? Omit<P, "AccountSid"> & { AccountSid?: string } : P;

/** All params of an operation as one flat object: path, query, headers and body, by their wire names. */
export type ParamsOf<O> = O extends unknown // distribute first: a union of operations stays a union, not a cross product
  ? Simplify<AccountSidOptional<ParameterPart<O, "path">> & ParameterPart<O, "query"> & ParameterPart<O, "header"> & BodyPart<O>>
  : never;

type SuccessOf<O> = O extends { responses: infer R } ? R[Extract<keyof R, 200 | 201 | 202 | 204>] : never;

/** The JSON body of the operation's success response; `void` for 204 No Content. */
export type ResponseOf<O> = SuccessOf<O> extends { content: { "application/json": infer J } } ? J : void;

type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];

/** Per-call options: abort signal and extra headers. */
export interface RequestOptions {
  /** Aborts the request (and any retry wait). */
  signal?: AbortSignal;
  /** Extra request headers, e.g. `I-Twilio-Idempotency-Token`. */
  headers?: Record<string, string>;
}

/** `(params, init?)`, with `params` optional when the operation requires none. */
export type RequestArgs<O> = [RequiredKeys<ParamsOf<O>>] extends [never]
  ? [params?: ParamsOf<O>, init?: RequestOptions]
  : [params: ParamsOf<O>, init?: RequestOptions];

type ArrayItem<T> = T extends readonly (infer I)[] ? I : never;

/** The item type of a list operation: the element of its only array property (`messages`, `services`). */
export type ItemOf<O> = {
  [K in keyof ResponseOf<O>]-?: NonNullable<ResponseOf<O>[K]> extends readonly unknown[] ? ArrayItem<NonNullable<ResponseOf<O>[K]>> : never;
}[keyof ResponseOf<O>];

/** Routes of a route map whose response is a page of items. */
export type ListRoute<R> = {
  [K in keyof R & string]: K extends `GET ${string}` ? ([ItemOf<R[K]>] extends [never] ? never : K) : never;
}[keyof R & string];

/** Params of a list operation minus the paging ones, which `paginate` drives. */
export type PaginateParams<O> = Omit<ParamsOf<O>, "PageSize" | "Page" | "PageToken">;

/** Options of `paginate`. */
export interface PaginateOptions extends RequestOptions {
  /** Stop after this many items. */
  limit?: number;
  /** Items per request (`PageSize`); Twilio's default is 50, the maximum 1000. */
  pageSize?: number;
}

/** `(params?, options?)` for paginate, with `params` required only when the operation needs some. */
export type PaginateArgs<O> = [RequiredKeys<PaginateParams<O>>] extends [never]
  ? [params?: PaginateParams<O>, options?: PaginateOptions]
  : [params: PaginateParams<O>, options?: PaginateOptions];
