// Test helpers for proxies: the proxy process (proxy-server.mjs), a throwaway CA with a server
// certificate for 127.0.0.1 (made with the openssl binary), and an https server using it.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SeenRequest } from "./helpers.js";

/** One request the proxy process handled. */
export type ProxyLogEntry =
  | { type: "connect"; target: string; hadAuth: boolean; authorized: boolean }
  | { type: "forward"; url: string; host: string; hadAuth: boolean; authorized: boolean };

/**
 * Starts proxy-server.mjs as a child process; `auth` is `user:password` to require Basic auth, `tls`
 * makes it an https:// proxy with that certificate.
 */
export async function startProxyProcess(
  auth?: string,
  tls?: { cert: string; key: string },
): Promise<{ url: string; port: number; log: ProxyLogEntry[]; close: () => Promise<void> }> {
  const script = fileURLToPath(new URL("./proxy-server.mjs", import.meta.url));
  const args = [script, ...(auth ? ["--auth", auth] : [])];
  let tlsDir: string | undefined;
  if (tls) {
    tlsDir = mkdtempSync(join(tmpdir(), "twilio-kit-proxy-tls-"));
    writeFileSync(join(tlsDir, "cert.pem"), tls.cert);
    writeFileSync(join(tlsDir, "key.pem"), tls.key);
    args.push("--tls", join(tlsDir, "cert.pem"), join(tlsDir, "key.pem"));
  }
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const log: ProxyLogEntry[] = [];
  let buffered = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("proxy process did not start within 10 s")), 10_000);
    child.once("exit", (code) => reject(new Error(`proxy process exited with ${code}`)));
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      for (let end = buffered.indexOf("\n"); end !== -1; end = buffered.indexOf("\n")) {
        const entry = JSON.parse(buffered.slice(0, end)) as ProxyLogEntry | { port: number };
        buffered = buffered.slice(end + 1);
        if ("port" in entry) {
          clearTimeout(timer);
          resolve(entry.port);
        } else log.push(entry);
      }
    });
  });
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Whether the openssl binary is on PATH (needed to mint the test CA). */
export function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A throwaway CA and a certificate for 127.0.0.1 signed by it, valid for one day. */
export function makeTestCertificates(): { ca: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "twilio-kit-proxy-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  try {
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=twilio-kit test CA");
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
    writeFileSync(join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "1", "-extfile", "ext.cnf");
    const read = (file: string) => readFileSync(join(dir, file), "utf8");
    return { ca: read("ca.crt"), cert: read("server.crt"), key: read("server.key") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A real https server on 127.0.0.1 that records requests and answers JSON. */
export async function startHttpsServer(tls: { cert: string; key: string }, body: unknown = { ok: true }) {
  const seen: SeenRequest[] = [];
  const server = createHttpsServer(tls, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(req.headers)) headers[key] = Array.isArray(value) ? value.join(", ") : (value ?? "");
      seen.push({ method: req.method ?? "GET", url: req.url ?? "/", headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
