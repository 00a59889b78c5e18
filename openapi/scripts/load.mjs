// Loads the synced upstream specs, applies our overlays and describes every operation as plain
// data. The surface listing, the core generator, the sandbox and the CLI all read specs through here,
// so there is one place that knows how a Twilio spec maps to a route.
import { existsSync, readdirSync, readFileSync } from "node:fs";

const here = new URL("..", import.meta.url);
export const specsDir = new URL("specs/", here);
export const overlaysDir = new URL("overlays/", here);
const METHODS = ["get", "post", "put", "patch", "delete"];

/** Spec file stems (`api_v2010`, `messaging_v1`, …) in a stable order. */
export function specNames() {
  if (!existsSync(specsDir)) throw new Error("openapi/specs is missing: run `pnpm --filter @twilio-kit/openapi sync`");
  return readdirSync(specsDir)
    .filter((file) => /^twilio_.*\.json$/.test(file))
    .map((file) => file.slice("twilio_".length, -".json".length))
    .sort();
}

function unescapePointer(token) {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Applies a JSON Patch subset (RFC 6902 add/replace/remove) with a required `reason` per change. */
export function applyOverlay(spec, patch, label) {
  for (const change of patch) {
    if (!change.reason) throw new Error(`${label}: every overlay change needs a "reason"`);
    const tokens = change.path.split("/").slice(1).map(unescapePointer);
    const last = tokens.pop();
    let target = spec;
    for (const token of tokens) {
      target = target?.[token];
      if (target === undefined) throw new Error(`${label}: ${change.path} does not exist in the spec`);
    }
    if (change.op === "remove") {
      if (!(last in target)) throw new Error(`${label}: cannot remove missing ${change.path}`);
      if (Array.isArray(target)) target.splice(Number(last), 1);
      else delete target[last];
    } else if (change.op === "replace" || change.op === "add") {
      if (change.op === "replace" && !(last in target)) throw new Error(`${label}: cannot replace missing ${change.path}`);
      if (Array.isArray(target) && last === "-") target.push(change.value);
      else target[last] = change.value;
    } else {
      throw new Error(`${label}: unsupported overlay op ${JSON.stringify(change.op)}`);
    }
  }
  return spec;
}

/** One spec with its overlay applied. */
export function loadSpec(name) {
  const spec = JSON.parse(readFileSync(new URL(`twilio_${name}.json`, specsDir), "utf8"));
  const overlay = new URL(`${name}.json`, overlaysDir);
  if (existsSync(overlay)) applyOverlay(spec, JSON.parse(readFileSync(overlay, "utf8")), `overlays/${name}.json`);
  return spec;
}

function resolveRef(spec, value) {
  let node = value;
  while (node && typeof node.$ref === "string") {
    node = node.$ref
      .slice(2)
      .split("/")
      .map(unescapePointer)
      .reduce((parent, key) => parent?.[key], spec);
  }
  return node ?? {};
}

// content_sdk repeats content_v1's routes for Twilio's SDK generator; content_v1 owns them.
export const SHADOWED_SPECS = { content_sdk: "content_v1" };

function listKeyOf(spec, operation) {
  const ok = operation.responses?.["200"];
  const schema = resolveRef(spec, ok?.content?.["application/json"]?.schema);
  const properties = schema?.properties ?? {};
  const isPaged = "meta" in properties || "next_page_uri" in properties;
  if (!isPaged) return undefined;
  return Object.keys(properties).find((key) => resolveRef(spec, properties[key]).type === "array");
}

/**
 * Every operation of every spec, sorted by route: the facts the generators need, no prose.
 * Operations of a shadowed spec carry `shadowedBy` (the spec that owns the same routes).
 * @returns {Array<object>}
 */
export function loadOperations() {
  const operations = [];
  for (const name of specNames()) {
    const spec = loadSpec(name);
    const topServers = spec.servers ?? [];
    for (const [path, item] of Object.entries(spec.paths)) {
      const server = (item.servers ?? topServers)[0]?.url;
      if (!server) throw new Error(`${name}: no server for ${path}`);
      const domain = new URL(server).hostname.replace(/\.twilio\.com$/, "");
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p) => resolveRef(spec, p));
        const params = [];
        for (const p of parameters) {
          params.push({ name: p.name, in: p.in, required: Boolean(p.required || p.in === "path"), schema: resolveRef(spec, p.schema) });
        }
        const content = operation.requestBody?.content ?? {};
        const contentType = Object.keys(content)[0];
        if (contentType) {
          const body = resolveRef(spec, content[contentType].schema);
          const required = new Set(body.required ?? []);
          for (const [prop, schema] of Object.entries(body.properties ?? {})) {
            params.push({ name: prop, in: "body", required: required.has(prop), schema: resolveRef(spec, schema) });
          }
        }
        const route = domain === "api" ? path : `/${domain}${path}`;
        const successStatus = Object.keys(operation.responses ?? {}).find((code) => /^2/.test(code));
        operations.push({
          spec: name,
          shadowedBy: SHADOWED_SPECS[name],
          domain,
          method: method.toUpperCase(),
          path,
          route: `${method.toUpperCase()} ${route}`,
          operationId: operation.operationId,
          contentType,
          params,
          listKey: method === "get" ? listKeyOf(spec, operation) : undefined,
          successStatus,
          responseSchema: operation.responses?.[successStatus]?.content?.["application/json"]?.schema,
          pathType: item["x-twilio"]?.pathType,
          defaultOutputProperties: item["x-twilio"]?.defaultOutputProperties,
          deprecated: Boolean(operation.deprecated),
        });
      }
    }
  }
  return operations.sort((a, b) => (a.route < b.route ? -1 : a.route > b.route ? 1 : 0));
}

/**
 * The row of the runtime operation table (core's `OperationSpec`): only what a generic client cannot
 * infer from the route and the params. Absent keys mean the defaults.
 */
export function runtimeRow(op) {
  const row = {};
  if (op.contentType && op.contentType !== "application/x-www-form-urlencoded") row.c = op.contentType;
  const arrays = op.params.filter((p) => p.schema.type === "array").map((p) => p.name);
  if (arrays.length) row.a = arrays;
  const dates = op.params.filter((p) => p.schema.format === "date").map((p) => p.name);
  if (dates.length) row.d = dates;
  if (op.listKey) row.l = op.listKey;
  // headers (X-Twilio-Webhook-Enabled, If-Match) and query params outside GET/DELETE are rare: list them
  const headers = op.params.filter((p) => p.in === "header").map((p) => p.name);
  if (headers.length) row.h = headers;
  const hasBody = op.method !== "GET" && op.method !== "DELETE";
  const query = op.params.filter((p) => p.in === "query").map((p) => p.name);
  if (hasBody && query.length) row.q = query;
  return row;
}
