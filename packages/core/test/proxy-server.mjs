// A small HTTP proxy, run as its own process by the proxy tests: CONNECT tunnels and absolute-form
// forwarding, optional Basic auth (`--auth user:password`) and TLS (`--tls cert key`), targets limited to 127.0.0.1.
// Prints `{"port":N}` once listening, then one JSON line per request it handled.
import { readFileSync } from "node:fs";
import { createServer as createPlainServer, request as httpRequest } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { connect } from "node:net";

const authArg = process.argv.indexOf("--auth");
const expected = authArg === -1 ? undefined : `Basic ${Buffer.from(process.argv[authArg + 1]).toString("base64")}`;
// `--tls cert.pem key.pem`: the proxy itself speaks TLS (an https:// proxy URL).
const tlsArg = process.argv.indexOf("--tls");
const createServer = (handler) =>
  tlsArg === -1 ? createPlainServer(handler) : createTlsServer({ cert: readFileSync(process.argv[tlsArg + 1]), key: readFileSync(process.argv[tlsArg + 2]) }, handler);
const log = (entry) => process.stdout.write(`${JSON.stringify(entry)}\n`);

/** Whether the Proxy-Authorization header is acceptable (always, when no --auth was given). */
const isAuthorized = (header) => expected === undefined || header === expected;
const REFUSAL = 'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test proxy"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';

const server = createServer((req, res) => {
  // Absolute-form: `GET http://127.0.0.1:1234/path HTTP/1.1`.
  const sentAuth = req.headers["proxy-authorization"];
  log({ type: "forward", url: req.url, host: req.headers.host, hadAuth: sentAuth !== undefined, authorized: isAuthorized(sentAuth) });
  if (!isAuthorized(sentAuth)) {
    res.writeHead(407, { "Proxy-Authenticate": 'Basic realm="test proxy"', "Content-Type": "text/plain" }).end("proxy auth required");
    return;
  }
  let target;
  try {
    target = new URL(req.url);
  } catch {
    res.writeHead(400).end("not absolute-form");
    return;
  }
  if (target.hostname !== "127.0.0.1") {
    res.writeHead(403).end("only 127.0.0.1");
    return;
  }
  const headers = { ...req.headers };
  delete headers["proxy-authorization"];
  const upstream = httpRequest({ host: "127.0.0.1", port: target.port, method: req.method, path: target.pathname + target.search, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on("error", () => res.writeHead(502).end("bad gateway"));
  req.pipe(upstream);
});

server.on("connect", (req, clientSocket, head) => {
  const sentAuth = req.headers["proxy-authorization"];
  log({ type: "connect", target: req.url, hadAuth: sentAuth !== undefined, authorized: isAuthorized(sentAuth) });
  clientSocket.on("error", () => {});
  if (!isAuthorized(sentAuth)) return clientSocket.end(REFUSAL);
  const [host, port] = [req.url.slice(0, req.url.lastIndexOf(":")), Number(req.url.slice(req.url.lastIndexOf(":") + 1))];
  if (host !== "127.0.0.1") return clientSocket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
  const upstream = connect(port, host, () => {
    clientSocket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length) upstream.write(head);
    upstream.pipe(clientSocket);
    clientSocket.pipe(upstream);
  });
  upstream.on("error", () => clientSocket.end("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"));
});

server.listen(0, "127.0.0.1", () => log({ port: server.address().port }));
process.on("SIGTERM", () => process.exit(0));
