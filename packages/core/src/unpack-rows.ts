// Generated operation tables ship keyed like facade leaves ("POST 12") and are keyed by route here,
// once per spec at import. Imports nothing, so every spec's data module can share it.
import type { PackedFacade } from "./facade.js";
import type { OperationSpec, OperationTable } from "./operations.js";

/**
 * Re-keys a packed operation table from `"METHOD index"` (into the facade's path list, `~` standing
 * for its prefix) to the route strings the runtime looks up (`"POST /2010-04-01/…/Messages.json"`).
 * @throws TypeError when a key is not `METHOD index` of a path in the list (a generator bug).
 */
export function unpackRows(facade: PackedFacade, rows: Readonly<Record<string, OperationSpec>>): OperationTable {
  const table: Record<string, OperationSpec> = {};
  for (const [key, row] of Object.entries(rows)) {
    const space = key.indexOf(" ");
    const path = facade.paths[Number(key.slice(space + 1))];
    if (space <= 0 || path === undefined) throw new TypeError(`[@twilio-kit/core] malformed operation row key ${JSON.stringify(key)}`);
    table[`${key.slice(0, space)} ${path.startsWith("~") ? facade.prefix + path.slice(1) : path}`] = row;
  }
  return table;
}
