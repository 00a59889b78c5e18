// How one HTTP exchange is carried out. The universal transport uses `fetch`; on Node the package's
// `node` export condition swaps in transport-node.ts (node:http with keep-alive), which costs about a
// third of the CPU per request of Node 20's fetch (bench/results/core.md).

/** One request as the transport sends it. */
export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal?: AbortSignal | null | undefined;
}

/** A finished HTTP exchange: status, headers and the whole body text. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Carries out one attempt; rejects with `TransportTimeoutError` after `timeoutMs` (to the last body byte). */
export type Transport = (request: HttpRequest, timeoutMs: number) => Promise<HttpResponse>;

/** The attempt ran past `timeoutMs`. */
export class TransportTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
    this.name = "TransportTimeoutError";
  }
}

/** A transport over a `fetch` implementation: the global one, or one the caller injected. */
export function createFetchTransport(fetchImpl: typeof fetch): Transport {
  return async (request, timeoutMs) => {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new TransportTimeoutError(timeoutMs)), timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
    try {
      const answer = await fetchImpl(request.url, { method: request.method, headers: request.headers, body: request.body, signal });
      return { status: answer.status, headers: answer.headers, text: await answer.text() };
    } catch (error) {
      if (timeout.signal.aborted && !request.signal?.aborted) throw timeout.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
}
