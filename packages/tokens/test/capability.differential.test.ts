// Differential property tests for the legacy capability tokens: createClientCapabilityToken and
// createTaskRouterCapabilityToken must equal twilio-node 6.2.0's ClientCapability and
// TaskRouterCapability tokens (and its policy helpers) for the same inputs at the same Date.now().
import { createRequire } from "node:module";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as tokens from "../src/index.js";
import { createClientCapabilityToken, createTaskRouterCapabilityToken, type ClientScope, type TaskRouterPolicy } from "../src/index.js";
import { clockMs, jsonObject, secret, sid, text, wellFormed } from "./arbitraries.js";

const require = createRequire(import.meta.url);
type Scope = { payload(): string };
const capability = require("twilio/lib/jwt/ClientCapability") as {
  default: new (options: object) => { addScope(scope: Scope): void; toJwt(): string };
  IncomingClientScope: new (clientName: string) => Scope;
  OutgoingClientScope: new (options: object) => Scope;
  EventStreamScope: new (filters?: object) => Scope;
};
const taskrouter = require("twilio/lib/jwt/taskrouter/TaskRouterCapability") as {
  default: new (options: object) => { addPolicy(policy: object): void; toJwt(): string };
  Policy: new (options: object) => object;
};
const util = require("twilio/lib/jwt/taskrouter/util") as Record<string, (...args: string[]) => unknown>;

const params = fc.dictionary(wellFormed(1), fc.oneof(wellFormed(), fc.integer(), fc.boolean()), { maxKeys: 4 });
const scope: fc.Arbitrary<ClientScope> = fc.oneof(
  fc.record({ kind: fc.constant("incoming" as const), clientName: wellFormed(1) }),
  fc.record({ kind: fc.constant("outgoing" as const), applicationSid: fc.oneof(sid("AP"), wellFormed(1)), clientName: wellFormed(), params }, { requiredKeys: ["kind", "applicationSid"] }),
  fc.record({ kind: fc.constant("eventStream" as const), filters: params }, { requiredKeys: ["kind"] }),
);

function officialScope(s: ClientScope): Scope {
  if (s.kind === "incoming") return new capability.IncomingClientScope(s.clientName);
  if (s.kind === "outgoing") return new capability.OutgoingClientScope(s);
  return new capability.EventStreamScope(s.filters);
}

const ttl = fc.option(fc.integer({ min: 1, max: 86_400 }), { nil: undefined });

describe("capability tokens against twilio-node", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("mints the same Client capability token over 2,000 generated scope lists", async () => {
    const input = fc.record({ now: clockMs, accountSid: sid("AC"), authToken: secret, ttl, scopes: fc.array(scope, { maxLength: 4 }) });
    await fc.assert(
      fc.asyncProperty(input, async ({ now, ...options }) => {
        vi.setSystemTime(now);
        const official = new capability.default(options);
        for (const s of options.scopes) official.addScope(officialScope(s));
        expect(await createClientCapabilityToken(options)).toBe(official.toJwt());
      }),
      { numRuns: 2_000 },
    );
  });

  const policy: fc.Arbitrary<TaskRouterPolicy> = fc.record(
    {
      url: fc.oneof(fc.constant("https://taskrouter.twilio.com/v1/Workspaces/WS1/Tasks/**"), text(1)),
      method: fc.constantFrom("GET", "POST", "DELETE"),
      queryFilter: fc.dictionary(wellFormed(1), fc.oneof(jsonObject, fc.record({ required: fc.boolean() }))),
      postFilter: jsonObject,
      allow: fc.constant(true),
    },
    { requiredKeys: ["url"] },
  );

  it("mints the same TaskRouter capability token over 2,000 generated channels and policies", async () => {
    const channelId = fc.oneof(sid("WK"), sid("WQ"), sid("WS"), text(1));
    const input = fc.record(
      { now: clockMs, accountSid: sid("AC"), authToken: secret, workspaceSid: sid("WS"), channelId, friendlyName: text(), ttl, version: fc.constantFrom("v1", "v2"), policies: fc.array(policy, { maxLength: 5 }) },
      { requiredKeys: ["now", "accountSid", "authToken", "workspaceSid", "channelId", "policies"] },
    );
    await fc.assert(
      fc.asyncProperty(input, async ({ now, policies, ...options }) => {
        vi.setSystemTime(now);
        const official = new taskrouter.default(options);
        for (const p of policies) official.addPolicy(new taskrouter.Policy(p));
        expect(await createTaskRouterCapabilityToken({ ...options, policies })).toBe(official.toJwt());
      }),
      { numRuns: 2_000 },
    );
  });

  it("builds the same default worker and event bridge policies and URLs as twilio-node's util", async () => {
    const [ws, wk, ac] = ["WS" + "1".repeat(32), "WK" + "2".repeat(32), "AC" + "3".repeat(32)];
    const plain = (policies: unknown) => JSON.parse(JSON.stringify(policies, (_, v) => (v && typeof v.payload === "function" ? v.payload() : v)));
    const ours = (policies: TaskRouterPolicy[]) => policies.map((p) => ({ url: p.url, method: p.method, query_filter: {}, post_filter: {}, allow: p.allow }));
    expect(ours(tokens.defaultWorkerPolicies("v1", ws, wk))).toEqual(plain(util.defaultWorkerPolicies!("v1", ws, wk)));
    expect(ours(tokens.defaultEventBridgePolicies(ac, wk))).toEqual(plain(util.defaultEventBridgePolicies!(ac, wk)));
    for (const name of ["workspacesUrl", "taskQueuesUrl", "tasksUrl", "activitiesUrl", "workersUrl"] as const) {
      expect(tokens[name](ws, "**"), name).toBe(util[name]!(ws, "**"));
      expect(tokens[name](ws), name).toBe(util[name]!(ws));
    }
    expect(tokens.reservationsUrl(ws, wk, "**")).toBe(util.reservationsUrl!(ws, wk, "**"));
    expect(tokens.workspacesUrl()).toBe(util.workspacesUrl!());
  });
});
