import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { runTwk, tempHome, type TempHome } from "./helpers/run-twk.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
let home: TempHome;
beforeAll(() => {
  home = tempHome();
});
afterAll(() => home.cleanup());

describe("twk basics", () => {
  it("prints the package version with --version", async () => {
    const result = await runTwk(["--version"], home.env);
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("prints help on stdout with --help and lists the commands", async () => {
    const result = await runTwk(["--help"], home.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("twk api messages list");
    expect(result.stdout).toMatch(/Exit codes:/);
  });

  it("prints the same help from the bin's built-in copy and from main", async () => {
    // `twk --help` alone is answered by the bin without loading main; with another flag main answers
    const builtIn = await runTwk(["--help"], home.env);
    const fromMain = await runTwk(["--no-color", "--help"], home.env);
    expect(fromMain.code).toBe(0);
    expect(fromMain.stdout).toBe(builtIn.stdout);
    expect((await runTwk(["help"], home.env)).stdout).toBe(builtIn.stdout);
    expect((await runTwk(["-h"], home.env)).stdout).toBe(builtIn.stdout);
    expect(builtIn.stdout).toContain(`twk ${version}:`);
  });

  it("exits 2 with help on stderr when no command is given", async () => {
    const result = await runTwk([], home.env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Usage: twk <command>");
  });

  it("exits 2 on an unknown command and suggests the nearest one", async () => {
    const result = await runTwk(["profils", "list"], home.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("did you mean `twk profiles`?");
  });

  it("points a bare resource name at the generated command", async () => {
    const result = await runTwk(["calls", "list"], home.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("twk api calls list");
  });

  it("suggests the nearest generated command for a typo", async () => {
    const result = await runTwk(["api", "mesages", "list"], home.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("did you mean `twk api messages`?");
  });

  it("suggests the nearest flag for a typo", async () => {
    const result = await runTwk(["api", "messages", "create", "--too", "+1"], home.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("did you mean --to?");
  });

  it("shows a generated command's help from the spec", async () => {
    const result = await runTwk(["api", "messages", "create", "--help"], home.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("POST /2010-04-01/Accounts/{AccountSid}/Messages.json");
    expect(result.stdout).toMatch(/--to <phone-number>\s+\(required\)/);
    expect(result.stdout).toMatch(/--media-url <uri>\s+\(repeatable\)/);
    expect(result.stdout).toContain("--content-retention <retain|discard>");
  });

  it("names product commands like the core facade", async () => {
    const result = await runTwk(["api", "verify", "v2", "services", "verifications", "create", "--help"], home.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("POST /verify/v2/Services/{ServiceSid}/Verifications");
    const group = await runTwk(["api", "messaging", "v1", "--help"], home.env);
    expect(group.code).toBe(0);
    expect(group.stdout).toMatch(/^\s+services\s/m);
  });

  it("accepts camelCase command words as the facade spells them", async () => {
    const result = await runTwk(["api", "incomingPhoneNumbers", "list", "--help"], home.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json");
  });

  it("lists a group's commands on stderr and exits 2 when the command is incomplete", async () => {
    const result = await runTwk(["api", "messages"], home.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/create\s+Send a message/);
  });

  it("rejects a value outside a param's enum before sending anything", async () => {
    const result = await runTwk(["api", "messages", "create", "--to", "+1", "--content-retention", "retian"], home.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("did you mean retain?");
  });

  it("rejects a missing required flag", async () => {
    const result = await runTwk(["api", "messages", "create", "--body", "hi"], home.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("needs --to");
  });

  it("rejects a non-integer for an integer param", async () => {
    const result = await runTwk(["api", "messages", "create", "--to", "+1", "--validity-period", "soon"], home.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--validity-period must be an integer");
  });

  it("rejects an unknown output format", async () => {
    const result = await runTwk(["api", "messages", "list", "-o", "yaml"], home.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("table, json, ndjson, csv");
  });

  it("exits 3 with a next step when there are no credentials", async () => {
    const result = await runTwk(["api", "messages", "list"], home.env);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("twk login");
  });

  it("writes a usage error as JSON on stderr with -o json", async () => {
    const result = await runTwk(["api", "messages", "create", "-o", "json"], home.env);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { kind: "usage", exit_code: 2 } });
  });
});
