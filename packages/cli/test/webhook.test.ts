import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTwk, tempHome, type TempHome } from "./helpers/run-twk.js";

let home: TempHome;
beforeAll(() => {
  home = tempHome();
});
afterAll(() => home.cleanup());

// The worked example of Twilio's webhook security docs.
const URL_ = "https://mycompany.com/myapp.php?foo=1&bar=2";
const PARAMS = ["CallSid=CA1234567890ABCDE", "Caller=+12349013030", "Digits=1234", "From=+12349013030", "To=+18005551212"];
const EXPECTED = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";
const paramFlags = PARAMS.flatMap((p) => ["--param", p]);

describe("twk webhook", () => {
  it("signs like Twilio's documented example", async () => {
    const result = await runTwk(["webhook", "sign", "--url", URL_, ...paramFlags, "--auth-token", "12345"], home.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${EXPECTED}\n`);
    expect(result.stderr).toContain("signed string: https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+12349013030");
  });

  it("takes the params as a form body", async () => {
    const body = PARAMS.map((p) => p.replace("+", "%2B")).join("&");
    const result = await runTwk(["webhook", "sign", "--url", URL_, "--body", body, "-o", "json"], { ...home.env, TWILIO_AUTH_TOKEN: "12345" });
    expect(JSON.parse(result.stdout).signature).toBe(EXPECTED);
  });

  it("verifies a matching signature with exit 0", async () => {
    const result = await runTwk(["webhook", "verify", "--url", URL_, ...paramFlags, "--auth-token", "12345", "--signature", EXPECTED], home.env);
    expect(result).toMatchObject({ code: 0, stdout: "valid\n" });
  });

  it("exits 7 and explains a scheme mismatch behind a TLS proxy", async () => {
    const result = await runTwk(["webhook", "verify", "--url", URL_.replace("https", "http"), ...paramFlags, "--auth-token", "12345", "--signature", EXPECTED, "-o", "json"], home.env);
    expect(result.code).toBe(7);
    const verdict = JSON.parse(result.stdout);
    expect(verdict).toMatchObject({ ok: false, reason: "mismatch" });
    expect(verdict.matched).toContain("other scheme");
  });

  it("says another token is the likely cause when no variant matches", async () => {
    const secret = "wrong-token-7f3a9c";
    const result = await runTwk(["webhook", "verify", "--url", URL_, ...paramFlags, "--auth-token", secret, "--signature", EXPECTED], home.env);
    expect(result.code).toBe(7);
    expect(result.stdout).toBe("invalid: mismatch\n");
    expect(result.stderr).toContain("another auth token");
    expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it("signs a JSON body through bodySHA256 and detects an altered body", async () => {
    const raw = '{"property": "value", "boolean": true}';
    const signed = JSON.parse((await runTwk(["webhook", "sign", "--url", "https://example.com/hook", "--raw-body", raw, "--auth-token", "12345", "-o", "json"], home.env)).stdout);
    expect(signed.body_sha256).toBe("0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620");
    expect(signed.url).toBe(`https://example.com/hook?bodySHA256=${signed.body_sha256}`);
    const ok = await runTwk(["webhook", "verify", "--url", signed.url, "--raw-body", raw, "--auth-token", "12345", "--signature", signed.signature], home.env);
    expect(ok.code).toBe(0);
    const altered = await runTwk(["webhook", "verify", "--url", signed.url, "--raw-body", '{"property":"value","boolean":true}', "--auth-token", "12345", "--signature", signed.signature], home.env);
    expect(altered.code).toBe(7);
    expect(altered.stdout).toContain("body_hash_mismatch");
  });

  it("needs a token and exits 3 without one", async () => {
    const result = await runTwk(["webhook", "sign", "--url", URL_], home.env);
    expect(result.code).toBe(3);
  });
});
