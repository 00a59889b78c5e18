// The GitHub Actions workflows: valid for actionlint (a broken one is caught: see the negative
// cases), CI runs the README's test command on every supported Node line, and the release workflow
// publishes through changesets with npm provenance.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repository } from "./release/workspace.js";

const workflowsDir = join(repository, ".github", "workflows");
const linter = new URL("./release/actionlint.cjs", import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), "twilio-kit-workflows-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Finding = { file: string; line: number; column: number; message: string; kind: string };

/** actionlint's findings for the given workflow files. */
function actionlint(files: string[]): Finding[] {
  return JSON.parse(execFileSync(process.execPath, [linter, ...files], { encoding: "utf8" })) as Finding[];
}

/** actionlint's findings for a workflow given as text (written to a scratch file). */
function lintText(name: string, text: string): Finding[] {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return actionlint([file]);
}

const read = (name: string) => readFileSync(join(workflowsDir, name), "utf8");

/** The README's test command: the Quick start block's line that runs the tests. */
function readmeTestCommand(): string {
  const readme = readFileSync(join(repository, "README.md"), "utf8");
  const block = readme.split(/^## Quick start\s*$/m)[1]?.match(/```sh\n([\s\S]*?)```/)?.[1] ?? "";
  const line = block.split("\n").find((l) => /\btest\b/.test(l));
  if (!line) throw new Error("README.md's Quick start has no test command");
  return line.replace(/\s+#.*$/, "").trim();
}

describe("GitHub Actions workflows", () => {
  it("has ci.yml and release.yml, and actionlint finds nothing in any workflow", () => {
    const files = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));
    expect(files).toEqual(expect.arrayContaining(["ci.yml", "release.yml"]));
    expect(actionlint(files.map((f) => join(workflowsDir, f)))).toEqual([]);
  });

  it("actionlint rejects a workflow with an undefined matrix key, an unknown action input and a bad runner", () => {
    const broken = read("ci.yml")
      .replace("node-version: ${{ matrix.node }}", "node-version: ${{ matrix.nodes }}\n          node-verison: 20")
      .replace("runs-on: ubuntu-24.04", "runs-on: ubuntu-24.4");
    const messages = lintText("broken-ci.yml", broken).map((f) => `${f.kind}: ${f.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^expression: property "nodes" is not defined/),
        expect.stringMatching(/^action: input "node-verison" is not defined in action "actions\/setup-node@v4"/),
        expect.stringMatching(/^runner-label: label "ubuntu-24.4" is unknown/),
      ]),
    );
  });

  it("actionlint rejects a workflow that is not valid YAML or misses its jobs", () => {
    writeFileSync(join(scratch, "not-yaml.yml"), "name: x\non: [push\njobs: {}\n");
    writeFileSync(join(scratch, "no-jobs.yml"), "name: x\non: push\n");
    const findings = actionlint([join(scratch, "not-yaml.yml"), join(scratch, "no-jobs.yml")]);
    expect(findings.filter((f) => f.file.endsWith("not-yaml.yml")).length).toBeGreaterThan(0);
    expect(findings.filter((f) => f.file.endsWith("no-jobs.yml")).map((f) => f.message).join("\n")).toMatch(/"jobs" section is missing/);
  });

  it("ci.yml runs the README's test command on Node 20, 22 and 24", () => {
    const ci = read("ci.yml");
    const command = readmeTestCommand();
    expect(command).toBe("npm test");
    expect(ci).toMatch(new RegExp(`^\\s+- run: ${command}\\s*$`, "m"));
    expect(ci).toMatch(/^\s+node: \[20, 22, 24\]\s*$/m);
    expect(ci).toMatch(/node-version: \$\{\{ matrix\.node \}\}/);
    expect(ci).toMatch(/^ {2}pull_request:/m);
  });

  it("release.yml opens the Version Packages pull request and publishes with provenance through scripts that exist", () => {
    const release = read("release.yml");
    const { scripts } = JSON.parse(readFileSync(join(repository, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(release).toMatch(/uses: changesets\/action@v1/);
    expect(release).toMatch(/title: Version Packages/);
    expect(release).toMatch(/^\s+id-token: write/m);
    expect(release).toMatch(/^\s+pull-requests: write/m);
    expect(release).toMatch(/^\s+NPM_CONFIG_PROVENANCE: true/m);
    expect(release).toMatch(/registry-url: https:\/\/registry\.npmjs\.org/);
    const version = release.match(/^\s+version: pnpm run ([\w-]+)\s*$/m)?.[1];
    const publish = release.match(/^\s+publish: pnpm run ([\w-]+)\s*$/m)?.[1];
    expect(scripts[version ?? ""]).toBe("changeset version");
    expect(scripts[publish ?? ""]).toMatch(/changeset publish/);
    // forks never try to publish: the guard names the owner of the repository the packages declare
    const { repository: repo } = JSON.parse(readFileSync(join(repository, "packages", "core", "package.json"), "utf8")) as { repository: { url: string } };
    const owner = repo.url.match(/github\.com\/([\w.-]+)\//)?.[1];
    expect(release).toContain(`github.repository_owner == '${owner}'`);
  });
});
