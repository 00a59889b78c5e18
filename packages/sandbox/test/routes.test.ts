// Every operation of every spec is routed: emulated ones answer statefully, all others with a
// Twilio-shaped 501 that names the operation, never a silent success, a crash or a 404.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTE_ROWS } from "../src/generated/routes.js";
import { emulatedRoutes, startSandbox, type SandboxHandle } from "../src/index.js";

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterAll(() => sandbox.stop());

// A value that satisfies a path param's SID pattern (`^CA[0-9a-fA-F]{32}$` → CA000…).
function sampleValue(name: string, pattern: string | undefined, accountSid: string): string {
  if (name === "AccountSid") return accountSid;
  const prefix = pattern ? /^\^\(?([A-Z]{2})/.exec(pattern)?.[1] : undefined;
  return prefix ? `${prefix}${"0".repeat(32)}` : "x";
}

describe("routing of every operation", () => {
  it("emulates the documented set of routes, all of them in the Twilio specs", () => {
    const emulated = emulatedRoutes();
    expect(emulated).toContain("POST /2010-04-01/Accounts/{AccountSid}/Messages.json");
    expect(emulated).toContain("GET /monitor/v1/Alerts");
    // operationIds repeat across specs: chat's CreateMessage must not reach the Messages handler
    expect(emulated.some((route) => route.includes("/chat/"))).toBe(false);
  });

  it("answers every operation that is not emulated with 501 and its operationId", async () => {
    const emulated = new Set(emulatedRoutes());
    const auth = `Basic ${Buffer.from(`${sandbox.accountSid}:${sandbox.authToken}`).toString("base64")}`;
    const failures: string[] = [];
    let checked = 0;
    for (const [method, domain, path, operationId, , params] of ROUTE_ROWS) {
      if (emulated.has(`${method} ${domain === "api" ? "" : `/${domain}`}${path}`)) continue;
      const concrete = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
        const row = params.find((param) => param[0] === name);
        return encodeURIComponent(sampleValue(name, row?.[4]?.p, sandbox.accountSid));
      });
      // required body params get a placeholder so validation lets the request reach the router's answer
      const body = new URLSearchParams();
      for (const [name, where, required, type] of params) {
        if (where === "b" && required) body.append(name, type === "integer" ? "1" : type === "boolean" ? "true" : "https://example.com/x");
      }
      const response = await fetch(`${sandbox.url}/${domain}${concrete}`, {
        method,
        headers: { Authorization: auth, ...(method === "GET" || method === "DELETE" ? {} : { "Content-Type": "application/x-www-form-urlencoded" }) },
        body: method === "GET" || method === "DELETE" ? undefined : body.toString(),
      });
      const json = (await response.json()) as { code: number; message: string };
      checked++;
      if (response.status !== 501 || !json.message.includes(operationId)) failures.push(`${method} /${domain}${path}: ${response.status} ${json.code} ${json.message}`);
    }
    expect(checked).toBeGreaterThan(1000);
    // a few validated params have enum/pattern constraints the placeholders cannot meet: those answer 400
    expect(failures.filter((failure) => !/: 400 20001 /.test(failure))).toEqual([]);
  });
});
