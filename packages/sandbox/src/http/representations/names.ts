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

// number purchases by type and searches by type answer with the base resource's element
const TYPE_SUFFIX = /(PhoneNumber)(Local|Mobile|TollFree)$/;
const VERB = /^(Create|Fetch|Update|List|Delete)(New)?/;

/** The element of one resource of an operation: `CreateMessage` → `Message`, `CreateNewKey` → `Key`. */
export function resourceName(operationId: string): string {
  const name = operationId.replace(VERB, "").replace(TYPE_SUFFIX, "$1");
  return xmlName(name || "Resource");
}

// An element name must start with a letter or `_` and hold only name characters; Twilio's field names
// always do, but a user-chosen key inside a free-form object (a Policy, a Params map) might not.
function xmlName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.-]/g, "_");
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}
