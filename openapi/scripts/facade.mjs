// How operations are named for people: the core's facade (`twilio.messaging.v1.services.list`), the
// CLI's commands (`twk api messaging v1 services list`) and the subpath exports all use these rules.

const VERBS = { Create: "create", List: "list", Fetch: "fetch", Update: "update", Delete: "delete" };

/** `Messages.json` → `messages`, `flex-api` → `flexApi`, `AWS` → `aws`, `SMSCommands` → `smsCommands`. */
export function camel(word) {
  const cleaned = word.replace(/\.json$/, "").replace(/[^A-Za-z0-9]+(.)/g, (_, c) => c.toUpperCase());
  // a leading acronym is lower-cased whole, up to the capital that starts the next word
  return cleaned.replace(/^[A-Z]+(?=[A-Z][a-z]|[^A-Za-z]|$)|^[A-Z]/, (head) => head.toLowerCase());
}

/** The facade name of a spec: `api_v2010` → ["api", "v2010"], `preview` → ["preview"]. */
export function facadeKeys(name) {
  const cut = name.lastIndexOf("_");
  return cut === -1 ? [camel(name)] : [camel(name.slice(0, cut)), camel(name.slice(cut + 1))];
}

/** The public subpath of a spec: `api_v2010` → `api-v2010`. */
export function subpathOf(name) {
  return name.replace(/_/g, "-");
}

/** `/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings.json` → ["calls", "recordings"] */
export function resourceChain(path) {
  const segments = path.split("/").filter(Boolean);
  // drop the version segment (`2010-04-01`, `v1`) that every path of a spec starts with
  if (/^(v\d+|\d{4}-\d{2}-\d{2})$/.test(segments[0])) segments.shift();
  // v2010 resources live under the account; the account is a param, not a name
  if (segments[0] === "Accounts" && segments[1] === "{AccountSid}") segments.splice(0, 2);
  const statics = segments.filter((s) => !s.startsWith("{")).map(camel).filter(Boolean);
  return statics.length ? statics : ["accounts"];
}

/** The verb of an operation from its operationId (`CreateMessage` → `create`). */
export function verbOf(operationId) {
  const prefix = Object.keys(VERBS).find((v) => operationId.startsWith(v));
  if (!prefix) throw new Error(`operationId ${operationId} has no known verb`);
  return VERBS[prefix];
}

/**
 * Names every operation of one spec: resource chain + verb, falling back to the camel-cased operationId
 * when two operations would share a name. Returns a nested tree whose leaves are route strings.
 */
export function buildFacade(name, operations) {
  const tree = {};
  const leaves = new Map();
  for (const op of operations) {
    const chain = resourceChain(op.path);
    let key = [...chain, verbOf(op.operationId)].join(".");
    if (leaves.has(key)) key = [...chain, camel(op.operationId)].join(".");
    if (leaves.has(key)) throw new Error(`${name}: facade name ${key} is taken twice`);
    leaves.set(key, op.route);
  }
  for (const [key, route] of [...leaves].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const parts = key.split(".");
    let node = tree;
    for (const part of parts.slice(0, -1)) {
      if (typeof node[part] === "string") throw new Error(`${name}: ${key} collides with an operation`);
      node = node[part] ??= {};
    }
    const leaf = parts.at(-1);
    if (typeof node[leaf] === "object") throw new Error(`${name}: ${key} collides with a resource`);
    node[leaf] = route;
  }
  return tree;
}
