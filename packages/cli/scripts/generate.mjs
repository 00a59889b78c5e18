#!/usr/bin/env node
// Generates the command table of `twk api …` from the pinned specs (with overlays) into
// src/generated/ (gitignored): one JSON file per spec plus an index of command words. The CLI reads
// only the file of the spec a command names, so help and validation never parse all specs.
// Output is deterministic: same specs and overlays, same bytes.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { buildFacade, camel, facadeKeys } from "@twilio-kit/openapi/facade";
import { SHADOWED_SPECS, loadOperations, loadSpec, runtimeRow, specNames } from "@twilio-kit/openapi/load";

const outDir = new URL("../src/generated/", import.meta.url);
const specsDir = new URL("../../../openapi/specs/", import.meta.url);

if (!existsSync(specsDir)) {
  // Same bootstrap as the core generator: fetch the pinned specs once.
  const { sync } = await import("@twilio-kit/openapi/sync");
  await sync();
}

/** `incomingPhoneNumbers` → `incoming-phone-numbers`, `StatusCallback` → `status-callback`. */
export function kebab(word) {
  return word
    // a facade word from an all-caps segment (`SIP` → `sIP`) is one word: `sip`
    .replace(/^[a-z][A-Z0-9]+(?=[A-Z][a-z]|$)/, (head) => head.toLowerCase())
    .replace(/</g, "-before")
    .replace(/>/g, "-after")
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();
}

/** First sentence of a spec description, markdown links and code marks removed, capped for size. */
function firstSentence(text) {
  if (!text) return undefined;
  const plain = String(text)
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[`*]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  const match = /^(.+?[.!?])(\s+[A-Z\[(]|$)/.exec(plain);
  let sentence = match ? match[1] : plain;
  if (sentence.length > 160) sentence = `${sentence.slice(0, 157)}...`;
  return sentence || undefined;
}

const PAGING = new Set(["PageSize", "Page", "PageToken"]);

function paramEntry(p, descriptions) {
  const schema = p.schema ?? {};
  const isArray = schema.type === "array";
  const item = isArray ? (schema.items ?? {}) : schema;
  const entry = { n: p.name, f: kebab(p.name), t: item.type ?? "string" };
  if (isArray) entry.m = 1;
  if (p.required) entry.r = 1;
  if (p.in !== "body") entry.i = p.in[0];
  if (item.format && ["date", "date-time", "phone-number", "uri"].includes(item.format)) entry.fm = item.format;
  if (Array.isArray(item.enum)) entry.e = item.enum.map(String);
  const d = firstSentence(descriptions.get(p.name) ?? schema.description ?? item.description);
  if (d) entry.d = d;
  return entry;
}

/** Descriptions of path/query/header params live on the param object, which load.mjs does not keep. */
function paramDescriptions(spec, op) {
  const map = new Map();
  const item = spec.paths[op.path];
  const operation = item[op.method.toLowerCase()];
  for (const raw of [...(item.parameters ?? []), ...(operation.parameters ?? [])]) {
    let p = raw;
    if (p.$ref) p = p.$ref.slice(2).split("/").reduce((node, key) => node?.[key], spec) ?? {};
    if (p.name && p.description) map.set(p.name, p.description);
  }
  return { map, summary: firstSentence(operation.summary ?? operation.description) };
}

const all = loadOperations();
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const index = { specs: {}, hoisted: {} };
for (const name of specNames()) {
  if (SHADOWED_SPECS[name]) continue; // content_sdk repeats content_v1's routes
  const ops = all.filter((op) => op.spec === name);
  if (ops.length === 0) continue;
  const spec = loadSpec(name);
  const facade = buildFacade(name, ops);
  const byRoute = new Map(ops.map((op) => [op.route, op]));
  // One file of operations per top-level resource (`api_v2010.messages.json`): a command's help reads
  // ~10 kB of JSON instead of its whole spec. The tree file holds only the command words.
  const chunks = {};
  const toWords = (tree, top) => {
    const out = {};
    for (const [key, value] of Object.entries(tree)) {
      const word = kebab(key);
      if (word in out) throw new Error(`${name}: command word ${word} is taken twice`);
      const chunk = top ?? word;
      if (typeof value === "string") {
        const op = byRoute.get(value);
        const { map, summary } = paramDescriptions(spec, op);
        const params = [];
        const flags = new Set();
        for (const p of op.params) {
          if (PAGING.has(p.name) && op.listKey) continue; // --page-size and --limit drive paging
          const entry = paramEntry(p, map);
          // A body param named like a path param (IncomingPhoneNumbers' AccountSid) cannot travel
          // next to it: params are keyed by wire name, and the path one wins in the core too.
          if (flags.has(entry.f)) continue;
          flags.add(entry.f);
          params.push(entry);
        }
        const entry = { r: op.route, k: runtimeRow(op), p: params };
        if (summary) entry.s = summary;
        if (op.defaultOutputProperties?.length) entry.o = op.defaultOutputProperties;
        if (op.deprecated) entry.x = 1;
        out[word] = (chunks[chunk] ??= []).push(entry) - 1;
      } else {
        out[word] = toWords(value, chunk);
      }
    }
    return out;
  };
  const tree = toWords(facade, undefined);
  // Leaves directly under the root would have no resource chunk; the facade never makes them.
  for (const [word, value] of Object.entries(tree)) if (typeof value === "number") throw new Error(`${name}: operation ${word} at the root`);
  writeFileSync(new URL(`${name}.json`, outDir), `${JSON.stringify({ tree })}\n`);
  for (const [word, ops] of Object.entries(chunks)) writeFileSync(new URL(`${name}.${word}.json`, outDir), `${JSON.stringify(ops)}\n`);
  const [domain, version] = facadeKeys(name).map(kebab);
  if (version) (index.specs[domain] ??= {})[version] = name;
  else index.specs[domain] = name;
  if (name === "api_v2010") {
    // v2010 resources are also reachable without `api v2010`, except where a product has the name.
    for (const resource of Object.keys(tree)) index.hoisted[resource] = 1;
  }
}
for (const resource of Object.keys(index.hoisted)) if (resource in index.specs) delete index.hoisted[resource];
writeFileSync(new URL("index.json", outDir), `${JSON.stringify(index)}\n`);
console.log(`generated the command table of ${all.length} operations into src/generated/`);
