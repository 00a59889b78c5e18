// Spawning the real bin (dist/bin.js) on a temp database, and raw HTTP over a TCP socket for the
// requests fetch refuses to send (bad methods, invalid UTF-8, huge headers, half-open connections).
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";

const bin = new URL("../../dist/bin.js", import.meta.url);

/** A running bin: its URL, credentials, and everything it wrote to stderr so far. */
export interface RunningBin {
  child: ChildProcess;
  url: string;
  port: number;
  accountSid: string;
  authToken: string;
  phoneNumber: string;
  stderr(): string;
}

/** Starts `dist/bin.js --json` on `db` (127.0.0.1, a free port, manual clock). */
export function startBin(db: string, extra: string[] = []): Promise<RunningBin> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin.pathname, "--db", db, "--port", "0", "--clock", "manual", "--json", ...extra], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk;
      if (!out.includes("\n")) return;
      const info = JSON.parse(out.split("\n")[0]!) as { url: string; accountSid: string; authToken: string; phoneNumber: string };
      resolve({ child, ...info, port: Number(new URL(info.url).port), stderr: () => err });
    });
    child.stderr!.on("data", (chunk: Buffer) => (err += chunk));
    child.on("exit", (code) => reject(new Error(`bin exited with ${code}: ${err}`)));
  });
}

/** Runs the bin to completion (for options that make it exit), with a time bound. */
export function runBin(args: string[], timeoutMs = 10_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin.pathname, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What came back on a raw socket: the status (null when the server closed without answering) and the text. */
export interface RawAnswer {
  status: number | null;
  headers: string;
  body: string;
  /** Whether the server closed the connection before `timeoutMs`. */
  isClosed: boolean;
}

/**
 * Writes raw bytes to 127.0.0.1:port and reads until the server closes the connection or the time
 * is up. `halfClose` sends FIN after the bytes (the client stops writing but keeps reading).
 */
export function rawRequest(port: number, bytes: Buffer | string, options: { timeoutMs?: number; halfClose?: boolean } = {}): Promise<RawAnswer> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let isClosed = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString("latin1");
      const split = text.indexOf("\r\n\r\n");
      const head = split === -1 ? text : text.slice(0, split);
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({ status: match ? Number(match[1]) : null, headers: head, body: split === -1 ? "" : text.slice(split + 4), isClosed });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => {
      isClosed = true;
      finish();
    });
    socket.on("error", () => {
      isClosed = true;
      finish();
    });
    socket.on("connect", () => {
      socket.write(bytes, () => {
        if (options.halfClose) socket.end();
      });
    });
  });
}

/** Basic credentials as a header value. */
export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}
