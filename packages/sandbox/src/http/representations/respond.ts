// Writes a handler's result or an error in the representation the request negotiated: one serializer
// per format over the same wire objects the JSON answers carry.
import type { IncomingMessage, ServerResponse } from "node:http";
import { notFound, type TwilioErrorBody } from "../errors.js";
import type { HandlerResult } from "../handler.js";
import type { Operation } from "../route-table.js";
import { toTwilioCsv } from "./csv.js";
import { resourceName } from "./names.js";
import type { Representation } from "./negotiate.js";
import { toTwilioXml } from "./xml.js";

// the error path only has the request: remember what it negotiated (weak, so nothing outlives it)
const negotiated = new WeakMap<IncomingMessage, Representation>();

/** Records the representation a request asked for, for its error answer. */
export function rememberRepresentation(req: IncomingMessage, representation: Representation): void {
  if (representation !== "json") negotiated.set(req, representation);
}

/** The representation a request negotiated (`json` unless it asked for XML or CSV). */
export function representationOf(req: IncomingMessage): Representation {
  return negotiated.get(req) ?? "json";
}

/** Whether an operation answers a v2010 list page (the only resources with a CSV form). */
export function isListOperation(operation: Operation): boolean {
  return operation.method === "GET" && operation.listKey !== undefined;
}

/** Writes a successful result: JSON, `<TwilioResponse>` XML, or CSV for lists. */
export function writeResult(res: ServerResponse, representation: Representation, operation: Operation, result: HandlerResult): void {
  if (result.status === 204 || result.body === undefined) {
    res.writeHead(result.status).end();
    return;
  }
  if (representation === "xml") {
    const shape = isListOperation(operation)
      ? { kind: "list" as const, listKey: operation.listKey!, itemName: resourceName(operation.path) }
      : { kind: "resource" as const, name: resourceName(operation.path) };
    write(res, result.status, "application/xml; charset=utf-8", toTwilioXml(result.body, shape));
  } else if (representation === "csv" && isListOperation(operation)) {
    write(res, result.status, "text/csv; charset=utf-8", toTwilioCsv(result.body as Record<string, unknown>, operation.listKey!));
  } else {
    write(res, result.status, "application/json; charset=utf-8", JSON.stringify(result.body));
  }
}

/** Writes a Twilio error body: `<RestException>` for XML requests, JSON otherwise (CSV has no error form). */
export function writeError(res: ServerResponse, representation: Representation, body: TwilioErrorBody): void {
  if (representation === "xml") {
    write(res, body.status, "application/xml; charset=utf-8", toTwilioXml(body, { kind: "error" }));
  } else {
    write(res, body.status, "application/json; charset=utf-8", JSON.stringify(body));
  }
}

function write(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Checks that the operation has the negotiated form: CSV exists for list resources only.
 * @throws SandboxHttpError 404 for `.csv` on anything but a list
 */
export function assertRepresentable(representation: Representation, operation: Operation, path: string): void {
  if (representation === "csv" && !isListOperation(operation)) throw notFound(path.replace(/\.json$/, ".csv"));
}
