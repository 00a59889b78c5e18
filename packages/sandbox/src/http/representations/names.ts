// Element names of Twilio's XML representation: the JSON field names in PascalCase (`date_created`
// → `DateCreated`), list elements named after the list key (`messages` → `Messages`), items after
// the resource (`Message`), array items after their singular (`flags` → `<Flags><Flag>`).

/** `date_created` → `DateCreated`, `sms_url` → `SmsUrl` (the casing of Twilio's XML elements). */
export function pascalCase(name: string): string {
  let out = "";
  for (const part of name.split(/[_\-\s]+/)) {
    if (part) out += part[0]!.toUpperCase() + part.slice(1);
  }
  return xmlName(out || "Item");
}

/** `first_page_uri` → `firstpageuri`, the casing of the paging attributes on a list element. */
export function attributeName(name: string): string {
  return xmlName(name.replace(/_/g, "").toLowerCase());
}

/** A naive English singular, enough for Twilio's list and array names (`Flags` → `Flag`, `Media` stays). */
export function singular(name: string): string {
  if (/ies$/.test(name)) return `${name.slice(0, -3)}y`;
  if (/(ss|us)$/.test(name)) return name;
  if (/(sses|xes|ches|shes)$/.test(name)) return name.slice(0, -2);
  if (/s$/.test(name)) return name.slice(0, -1);
  return name;
}

// number purchases and searches by type (`IncomingPhoneNumbers/Local.json`) answer with the base resource
const NUMBER_TYPES = new Set(["Local", "Mobile", "TollFree"]);

/**
 * The element of one resource of an operation, from its path: the last collection segment, singular
 * (`/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/{Sid}.json` → `Recording`, `/Accounts.json` → `Account`,
 * `/IncomingPhoneNumbers/Local.json` → `IncomingPhoneNumber`).
 */
export function resourceName(operationPath: string): string {
  const literals = operationPath
    .replace(/\.json$/, "")
    .split("/")
    .filter((segment) => segment !== "" && !segment.includes("{") && segment !== "2010-04-01");
  let name = literals.pop() ?? "Resource";
  if (NUMBER_TYPES.has(name) && literals.length > 0) name = literals.pop()!;
  return xmlName(singular(name));
}

// An element name must start with a letter or `_` and hold only name characters; Twilio's field names
// always do, but a user-chosen key inside a free-form object (a Policy, a Params map) might not.
function xmlName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.-]/g, "_");
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}
