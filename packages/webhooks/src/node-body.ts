/// <reference types="node" />
// Reading a node:http body with a size cap. Listeners rather than `for await`: an aborted request
// makes the async iterator throw `Error: aborted`, and a reader must stop at the cap without asking
// the stream for the rest.

/** The body, or why there is none: over the cap, or the client went away first. */
export type BodyRead = { ok: true; body: Uint8Array } | { ok: false; reason: "body_too_large" | "request_aborted" };

/**
 * Read a request stream to its end, keeping at most `maxBytes`. Never rejects. Over the cap the stream
 * is paused and left unread: answer with `Connection: close` so the server drops the connection.
 */
export function readBody(stream: NodeJS.ReadableStream & { readableEnded?: boolean; destroyed?: boolean }, maxBytes: number): Promise<BodyRead> {
  // Already gone (an error before the adapter ran): its 'close' has been emitted, waiting would hang.
  if (stream.destroyed && !stream.readableEnded) return Promise.resolve({ ok: false, reason: "request_aborted" });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyRead): void => {
      stream.off("data", onData).off("end", onEnd).off("error", onGone).off("close", onGone);
      resolve(result);
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > maxBytes) {
        stream.pause();
        chunks.length = 0;
        finish({ ok: false, reason: "body_too_large" });
      } else {
        chunks.push(bytes);
      }
    };
    const onEnd = (): void => finish({ ok: true, body: Buffer.concat(chunks, size) });
    // 'error' (ECONNRESET "aborted") or 'close' before 'end': the client disconnected mid-body.
    const onGone = (): void => finish({ ok: false, reason: "request_aborted" });
    stream.on("data", onData).on("end", onEnd).on("error", onGone).on("close", onGone);
  });
}
