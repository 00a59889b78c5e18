/** Webhook parameters as decoded from the form body (or query): one value per name, or a list for repeated names. */
export type TwilioParams =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | URLSearchParams
  | Iterable<readonly [string, string]>;

type Grouped = Record<string, string | string[]>;

// One shape for the three input forms; repeated names become lists, as a form parser would give them.
function group(params: TwilioParams): Readonly<Record<string, string | readonly string[] | undefined>> {
  // Plain and null-prototype objects are by far the common case; test them first, cheaply.
  const proto = Object.getPrototypeOf(params) as unknown;
  if (proto === Object.prototype || proto === null || typeof (params as Iterable<unknown>)[Symbol.iterator] !== "function") {
    return params as Readonly<Record<string, string | readonly string[] | undefined>>;
  }
  const grouped: Grouped = Object.create(null) as Grouped;
  for (const [name, value] of params as Iterable<readonly [string, string]>) {
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
  if (params === undefined || params === null) return "";
  const record = group(params);
  let out = "";
  // Default sort compares UTF-16 code units: the order twilio-node uses (`Reason` < `ReasonConferenceEnded`).
  for (const name of Object.keys(record).sort()) {
    const value = record[name];
    if (value === undefined) continue;
    if (typeof value === "string") {
      out += name + value;
    } else {
      for (const item of Array.from(new Set(value)).sort()) out += name + item;
    }
  }
  return out;
}

/** Decode an `application/x-www-form-urlencoded` body into names and values (repeats become lists). */
export function parseFormBody(body: string): Record<string, string | string[]> {
  const grouped: Grouped = Object.create(null) as Grouped;
  for (const [name, value] of new URLSearchParams(body)) {
    const previous = grouped[name];
    if (previous === undefined) grouped[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else grouped[name] = [previous, value];
  }
  return grouped;
}
