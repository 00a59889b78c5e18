// The generated command table (scripts/generate.mjs → dist/commands/*.json), read lazily: the index,
// then one spec's command words, then one resource's operations (`api_v2010.messages.json`, ~10 kB).
import { readFileSync } from "node:fs";
import type { OperationSpec } from "@twilio-kit/core";

/** One param of an operation, as generated. */
export interface ParamEntry {
  /** Wire name (`StatusCallback`). */
  n: string;
  /** Flag name (`status-callback`). */
  f: string;
  /** JSON schema type of the value (of each item for arrays). */
  t: "string" | "integer" | "number" | "boolean" | "object" | "array";
  /** 1 when the param is an array (repeat the flag). */
  m?: 1;
  /** 1 when required. */
  r?: 1;
  /** Where it goes when not in the body: p(ath), q(uery), h(eader). */
  i?: "p" | "q" | "h";
  /** Format worth showing (date, date-time, phone-number, uri). */
  fm?: string;
  /** Allowed values. */
  e?: string[];
  /** First sentence of the spec's description. */
  d?: string;
}

/** One operation, as generated. */
export interface OperationEntry {
  /** Route (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`). */
  r: string;
  /** Row of core's operation table. */
  k: OperationSpec;
  p: ParamEntry[];
  /** Summary. */
  s?: string;
  /** Default output properties (table columns). */
  o?: string[];
  /** 1 when deprecated. */
  x?: 1;
}

/** Command words → sub-tree, or the index of an operation in its resource's file. */
export interface CommandTree {
  [word: string]: CommandTree | number;
}

/** One spec's command words. */
export interface SpecCommands {
  tree: CommandTree;
}

/** The index: spec file stems by command words, and the v2010 resources usable without `api v2010`. */
export interface CommandIndex {
  specs: Record<string, string | Record<string, string>>;
  hoisted: Record<string, 1>;
}

const dir = new URL("./commands/", import.meta.url);

let index: CommandIndex | undefined;

/** The command index (small). */
export function loadIndex(): CommandIndex {
  return (index ??= JSON.parse(readFileSync(new URL("index.json", dir), "utf8")) as CommandIndex);
}

const cache = new Map<string, unknown>();

function readJson<T>(file: string): T {
  let value = cache.get(file);
  if (value === undefined) {
    value = JSON.parse(readFileSync(new URL(file, dir), "utf8"));
    cache.set(file, value);
  }
  return value as T;
}

/** One spec's command words. */
export function loadSpecCommands(name: string): SpecCommands {
  return readJson<SpecCommands>(`${name}.json`);
}

/** The operations of one top-level resource of a spec (the leaves under `tree[resource]`). */
export function loadOperations(name: string, resource: string): OperationEntry[] {
  return readJson<OperationEntry[]>(`${name}.${resource}.json`);
}

/** Command words as the generator spells them: accepts camelCase input (`incomingPhoneNumbers`). */
export function normalizeWord(word: string): string {
  if (!/[A-Z_]/.test(word)) return word;
  return word
    .replace(/^[a-z][A-Z0-9]+(?=[A-Z][a-z]|$)/, (head) => head.toLowerCase())
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .toLowerCase();
}
