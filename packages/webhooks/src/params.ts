/** Webhook parameters as decoded from the form body (or query): one value per name, or a list for repeated names. */
export type TwilioParams =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | URLSearchParams
  | Iterable<readonly [string, string]>;

type Grouped = Record<string, string | string[]>;

// Repeated names become lists, as a form parser would give them.
function groupEntries(entries: Iterable<readonly [string, string]>): Grouped {
  const grouped: Grouped = Object.create(null) as Grouped;
  for (const [name, value] of entries) {
    const previous = grouped[name];
    if (previous === undefined) grouped[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else grouped[name] = [previous, value];
  }
  return grouped;
}

/**
 * The string appended to the URL before signing: names sorted by UTF-16 code unit, each `name + value`;
 * a repeated name contributes its values de-duplicated and sorted (as twilio-node, python and php do).
 */
export function serializeParams(params: TwilioParams | undefined): string {
  return serializeParamsWith(params, (names) => names.sort());
}

/** `serializeParams` with the sorting of the names supplied, so a caller can cache it. */
export function serializeParamsWith(params: TwilioParams | undefined, sortNames: (names: string[]) => readonly string[]): string {
  if (params === undefined || params === null) return "";
  // Records have no iterator (names are strings); URLSearchParams and entry lists do.
  let record = params as Readonly<Record<string, string | readonly string[] | undefined>>;
  if (typeof (params as Partial<Iterable<unknown>>)[Symbol.iterator] === "function") {
    const lists: Record<string, string[]> = (record = Object.create(null) as Record<string, string[]>);
    for (const [name, value] of params as Iterable<readonly [string, string]>) (lists[name] ??= []).push(value);
  }
  let out = "";
  // Default sort compares UTF-16 code units: the order twilio-node uses (`Reason` < `ReasonConferenceEnded`).
  for (const name of sortNames(Object.keys(record))) {
    const value = record[name];
    if (value === undefined) continue;
    if (typeof value === "string") {
      out += name + value;
    } else {
      for (const item of [...new Set(value)].sort()) out += name + item;
    }
  }
  return out;
}

/** Decode an `application/x-www-form-urlencoded` body into names and values (repeats become lists). */
export function parseFormBody(body: string): Record<string, string | string[]> {
  return groupEntries(new URLSearchParams(body));
}
