// Reading a request body with a bound: over the limit the request is refused at once (a declared
// Content-Length first, then a running count), and a client that goes away mid-body ends the read
// with a `ClientAbortError` instead of leaving it pending or logging a stack.
import type { IncomingMessage } from "node:http";
import { INVALID_PARAMETER, SandboxHttpError } from "./errors.js";

/** Largest body the sandbox reads (Twilio's own requests are far smaller). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The client closed the connection before its request was read: nobody is left to answer. */
export class ClientAbortError extends Error {
  constructor() {
    super("client closed the connection mid-request");
    this.name = "ClientAbortError";
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function tooLarge(): SandboxHttpError {
  return new SandboxHttpError(413, INVALID_PARAMETER, "Request body larger than 1 MiB");
}

/**
 * Reads a request body up to 1 MiB as UTF-8.
 * @throws SandboxHttpError 413 beyond that, 400 for bytes that are not UTF-8; ClientAbortError when the client leaves
 */
export function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let isDone = false;
    const settle = (error: Error | undefined) => {
      if (isDone) return;
      isDone = true;
      req.off("data", onData);
      if (error) return reject(error);
      try {
        resolve(utf8.decode(Buffer.concat(chunks)));
      } catch {
        reject(new SandboxHttpError(400, INVALID_PARAMETER, "The request body is not valid UTF-8"));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      // stop buffering at once: the rest of an oversized body is never held in memory
      if (size > MAX_BODY_BYTES) settle(tooLarge());
      else chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => settle(undefined));
    req.once("error", () => settle(new ClientAbortError()));
    // "close" without "end": the client went away (Node does not always emit "error" for that)
    req.once("close", () => settle(req.complete ? undefined : new ClientAbortError()));
  });
}
