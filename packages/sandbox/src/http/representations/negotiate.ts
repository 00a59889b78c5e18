// Which representation a 2010-04-01 request asks for, from the extension of its last path segment.
// Twilio: XML by default (no extension) and for `.xml`, JSON for `.json`, CSV for `.csv`; the newer
// product APIs (`{product}.twilio.com/v1`) answer JSON only.
// https://www.twilio.com/docs/usage/twilios-response#response-formats

/** A response representation. */
export type Representation = "json" | "xml" | "csv";

/** The negotiated representation and the path the route table knows (always the `.json` form). */
export interface Negotiated {
  representation: Representation;
  path: string;
}

const V2010 = "/2010-04-01";

/** Maps an extension-less, `.xml` or `.csv` v2010 path onto its `.json` route; other paths pass through as JSON. */
export function negotiateRepresentation(domain: string, path: string): Negotiated {
  if (domain !== "api" || (path !== V2010 && !path.startsWith(`${V2010}/`))) return { representation: "json", path };
  const lastSlash = path.lastIndexOf("/");
  const last = path.slice(lastSlash + 1);
  if (last.endsWith(".json")) return { representation: "json", path };
  if (last.endsWith(".xml")) return { representation: "xml", path: `${path.slice(0, -4)}.json` };
  if (last.endsWith(".csv")) return { representation: "csv", path: `${path.slice(0, -4)}.json` };
  // a dot in the last segment is an extension the sandbox does not serve (`.html`): leave it to 404.
  // An empty last segment (trailing slash) has no resource name either.
  if (last === "" || last.includes(".")) return { representation: "xml", path };
  return { representation: "xml", path: `${path}.json` };
}
