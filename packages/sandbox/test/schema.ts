// A strict checker of sandbox responses against the official OpenAPI response schemas: every
// property the schema lists must be present with its type, and nothing else may appear.
import { loadSpec } from "@twilio-kit/openapi/load";

type Schema = Record<string, any>;
const specs = new Map<string, Schema>();

function spec(name: string): Schema {
  let loaded = specs.get(name);
  if (!loaded) specs.set(name, (loaded = loadSpec(name) as Schema));
  return loaded;
}

function resolve(root: Schema, schema: Schema | undefined): Schema {
  let node = schema ?? {};
  while (node && typeof node.$ref === "string") {
    node = node.$ref.slice(2).split("/").reduce((parent: Schema, key: string) => parent?.[key], root);
  }
  return node ?? {};
}

const RFC2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

function check(root: Schema, schema: Schema, value: unknown, path: string, problems: string[]): void {
  const s = resolve(root, schema);
  if (value === null) {
    if (!s.nullable && s.type !== undefined) problems.push(`${path}: null but not nullable`);
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} not in enum`);
  switch (s.type) {
    case "string":
      if (typeof value !== "string") problems.push(`${path}: expected string, got ${typeof value}`);
      else if (s.format === "date-time-rfc-2822" && !RFC2822.test(value)) problems.push(`${path}: not an RFC 2822 date: ${value}`);
      return;
    case "integer":
      if (!Number.isInteger(value)) problems.push(`${path}: expected integer, got ${JSON.stringify(value)}`);
      return;
    case "number":
      if (typeof value !== "number") problems.push(`${path}: expected number, got ${typeof value}`);
      return;
    case "boolean":
      if (typeof value !== "boolean") problems.push(`${path}: expected boolean, got ${typeof value}`);
      return;
    case "array":
      if (!Array.isArray(value)) problems.push(`${path}: expected array`);
      else value.forEach((item, i) => check(root, s.items ?? {}, item, `${path}[${i}]`, problems));
      return;
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) {
        problems.push(`${path}: expected object`);
        return;
      }
      if (!s.properties) return;
      const record = value as Record<string, unknown>;
      for (const [key, child] of Object.entries(s.properties as Record<string, Schema>)) {
        if (!(key in record)) problems.push(`${path}.${key}: missing`);
        else check(root, child, record[key], `${path}.${key}`, problems);
      }
      for (const key of Object.keys(record)) if (!(key in s.properties)) problems.push(`${path}.${key}: not in the schema`);
      return;
    }
    default:
      return;
  }
}

/** Problems of a response body against the success schema of an operation (empty when valid). */
export function schemaProblems(specName: string, path: string, method: string, body: unknown): string[] {
  const root = spec(specName);
  const operation = root.paths[path]?.[method.toLowerCase()];
  if (!operation) return [`no operation ${method} ${path} in ${specName}`];
  const status = Object.keys(operation.responses).find((code) => code.startsWith("2"))!;
  const schema = operation.responses[status]?.content?.["application/json"]?.schema;
  if (!schema) return body === undefined || body === "" ? [] : [`${method} ${path} has no JSON response`];
  const problems: string[] = [];
  check(root, schema, body, "$", problems);
  return problems;
}
