import { describe, expect, it } from "vitest";
import { matchesNoProxy, proxyAuthorization, proxyFor, redactedProxy } from "../src/proxy/proxy-env.js";
import { parseProxyUrl, snapshotProxySettings } from "../src/proxy/proxy-settings.js";

const TWILIO = new URL("https://api.twilio.com/2010-04-01/Accounts.json");
const LOCAL = new URL("http://127.0.0.1:4010/api/2010-04-01/Accounts.json");
const chosen = (target: URL, env: Record<string, string>, proxy?: string | false) => proxyFor(target, { env, proxy })?.href;

describe("choosing a proxy from the environment", () => {
  it("reads https_proxy before HTTPS_PROXY for https targets, as curl does", () => {
    expect(chosen(TWILIO, { https_proxy: "http://lower:1", HTTPS_PROXY: "http://upper:2" })).toBe("http://lower:1/");
    expect(chosen(TWILIO, { HTTPS_PROXY: "http://upper:2" })).toBe("http://upper:2/");
  });

  it("falls back to ALL_PROXY, then to HTTP_PROXY for https targets as twilio-node does", () => {
    expect(chosen(TWILIO, { ALL_PROXY: "http://all:1", HTTP_PROXY: "http://plain:2" })).toBe("http://all:1/");
    expect(chosen(TWILIO, { HTTP_PROXY: "http://plain:2" })).toBe("http://plain:2/");
    expect(chosen(TWILIO, { http_proxy: "http://plain:3" })).toBe("http://plain:3/");
  });

  it("reads http_proxy, then HTTP_PROXY, then ALL_PROXY for http targets and never HTTPS_PROXY", () => {
    expect(chosen(LOCAL, { http_proxy: "http://lower:1", HTTP_PROXY: "http://upper:2" })).toBe("http://lower:1/");
    expect(chosen(LOCAL, { HTTP_PROXY: "http://upper:2", all_proxy: "http://all:3" })).toBe("http://upper:2/");
    expect(chosen(LOCAL, { all_proxy: "http://all:3" })).toBe("http://all:3/");
    expect(chosen(LOCAL, { HTTPS_PROXY: "http://secure:4" })).toBeUndefined();
  });

  it("ignores uppercase HTTP_PROXY under CGI, where a request header could have set it (httpoxy)", () => {
    expect(chosen(LOCAL, { HTTP_PROXY: "http://attacker:80", REQUEST_METHOD: "GET" })).toBeUndefined();
    expect(chosen(LOCAL, { http_proxy: "http://ok:80", REQUEST_METHOD: "GET" })).toBe("http://ok/");
  });

  it("treats empty variables as unset and a bare host:port as http://", () => {
    expect(chosen(TWILIO, { https_proxy: "  ", HTTPS_PROXY: "proxy.corp:3128" })).toBe("http://proxy.corp:3128/");
  });

  it("prefers the proxy option, and proxy: false turns proxies off", () => {
    expect(chosen(TWILIO, { HTTPS_PROXY: "http://env:1" }, "http://option:2")).toBe("http://option:2/");
    expect(chosen(TWILIO, { HTTPS_PROXY: "http://env:1" }, false)).toBeUndefined();
  });

  it("rejects proxy schemes it cannot speak, naming the variable", () => {
    expect(() => chosen(TWILIO, { HTTPS_PROXY: "socks5://127.0.0.1:1080" })).toThrow(/HTTPS_PROXY .* must be an http:\/\/ or https:\/\/ proxy/);
    expect(() => parseProxyUrl("http://[bad", "the proxy option")).toThrow(/the proxy option is not a URL/);
  });
});

describe("reading the environment once", () => {
  it("copies the proxy variables when the client is created, so later changes do not apply", () => {
    const env: Record<string, string | undefined> = { HTTPS_PROXY: "http://first:1", NO_PROXY: "example.com", PATH: "/bin" };
    const settings = snapshotProxySettings(undefined, env)!;
    env.HTTPS_PROXY = "http://second:2";
    expect(settings.env).toEqual({ HTTPS_PROXY: "http://first:1", NO_PROXY: "example.com" });
    expect(proxyFor(TWILIO, settings)?.href).toBe("http://first:1/");
  });

  it("has nothing to do without a proxy variable, with only NO_PROXY, or with proxy: false", () => {
    expect(snapshotProxySettings(undefined, { PATH: "/bin" })).toBeUndefined();
    expect(snapshotProxySettings(undefined, { NO_PROXY: "*", HTTPS_PROXY: " " })).toBeUndefined();
    expect(snapshotProxySettings(false, { HTTPS_PROXY: "http://p:1" })).toBeUndefined();
    expect(snapshotProxySettings("http://option:1", {})).toEqual({ proxy: "http://option:1", env: {} });
  });
});

describe("NO_PROXY", () => {
  const cases: [string, string, boolean][] = [
    ["*", "https://api.twilio.com", true],
    ["twilio.com", "https://api.twilio.com", true],
    ["twilio.com", "https://twilio.com", true],
    [".twilio.com", "https://twilio.com", true],
    ["*.twilio.com", "https://api.twilio.com", true],
    ["TWILIO.COM", "https://api.twilio.com", true],
    ["twilio.com.", "https://api.twilio.com", true],
    ["lio.com", "https://api.twilio.com", false],
    ["api.twilio.com", "https://twilio.com", false],
    ["example.com, localhost ,api.twilio.com", "https://api.twilio.com", true],
    ["example.com localhost", "http://localhost:4010", true],
    ["api.twilio.com:443", "https://api.twilio.com", true],
    ["api.twilio.com:8443", "https://api.twilio.com", false],
    ["127.0.0.1", "http://127.0.0.1:4010", true],
    ["127.0.0.1:4010", "http://127.0.0.1:4010", true],
    ["127.0.0.1:4011", "http://127.0.0.1:4010", false],
    ["127.0.0.0/8", "http://127.1.2.3", true],
    ["10.0.0.0/8", "http://127.0.0.1", false],
    ["192.168.1.0/24", "http://192.168.1.77", true],
    ["192.168.1.0/24", "http://192.168.2.77", false],
    ["127.0.0.1", "http://localhost", false],
    ["::1", "http://[::1]:4010", true],
    ["[::1]:4010", "http://[::1]:4010", true],
    ["fd00::/8", "http://[fd12:3456::1]", true],
    ["fd00::/8", "http://[fe80::1]", false],
    ["::ffff:127.0.0.0/104", "http://[::ffff:127.0.0.1]", true],
    ["", "https://api.twilio.com", false],
    [",, ,", "https://api.twilio.com", false],
  ];
  it.each(cases)("NO_PROXY=%j for %s: %s", (noProxy, url, expected) => {
    expect(matchesNoProxy(new URL(url), noProxy)).toBe(expected);
  });

  it("reads no_proxy before NO_PROXY", () => {
    expect(chosen(TWILIO, { HTTPS_PROXY: "http://p:1", no_proxy: "example.com", NO_PROXY: "twilio.com" })).toBe("http://p:1/");
    expect(chosen(TWILIO, { HTTPS_PROXY: "http://p:1", NO_PROXY: "twilio.com" })).toBeUndefined();
  });
});

describe("proxy credentials", () => {
  it("builds Basic auth from the percent-decoded userinfo and redacts it for messages", () => {
    const proxy = new URL("http://us%40er:p%3Ass%2Fword@proxy.corp:3128");
    expect(proxyAuthorization(proxy)).toBe(`Basic ${Buffer.from("us@er:p:ss/word").toString("base64")}`);
    expect(redactedProxy(proxy)).toBe("http://proxy.corp:3128");
    expect(proxyAuthorization(new URL("http://proxy.corp:3128"))).toBeUndefined();
  });
});
