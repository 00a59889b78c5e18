// Serves the browser console (built by console/build.mjs into dist/console at package build time)
// at the sandbox's root URL. Only a fixed list of files is served: no path from the request ever
// reaches the file system.
import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The console's files by request path, with their content types. */
const ASSETS: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/index.html": { file: "index.html", type: "text/html; charset=utf-8" },
  "/console/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/console/app.css": { file: "app.css", type: "text/css; charset=utf-8" },
  "/favicon.ico": { file: "favicon.svg", type: "image/svg+xml" },
  "/console/favicon.svg": { file: "favicon.svg", type: "image/svg+xml" },
};

// Same-origin only: the page may load its own files and talk to its own control API, nothing else.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The folder holding the built console: next to the bundle in dist, or dist/console when run from src (tests). */
function consoleDir(): string | undefined {
  // the CJS bundle has __dirname; the ESM bundle and vitest have import.meta.url
  const here = typeof __dirname === "string" ? __dirname : dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, "console"), join(here, "../../dist/console")]) {
    if (existsSync(join(candidate, "index.html"))) return candidate;
  }
  return undefined;
}

let cache: Map<string, Buffer> | undefined;

/** Whether a request is for the console (GET/HEAD of one of its fixed paths). */
export function isConsoleRequest(method: string, pathname: string): boolean {
  return (method === "GET" || method === "HEAD") && pathname in ASSETS;
}

/** Answers a console request from the built files (read once, then kept in memory). */
export function serveConsoleAsset(req: IncomingMessage, res: ServerResponse, pathname: string): void {
  const asset = ASSETS[pathname]!;
  const dir = consoleDir();
  if (!dir) {
    const text = "The sandbox console is not built: run `pnpm --filter @twilio-kit/sandbox build`. The API and /_sandbox/ work without it.\n";
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  cache ??= new Map();
  let bytes = cache.get(asset.file);
  if (!bytes) cache.set(asset.file, (bytes = readFileSync(join(dir, asset.file))));
  res.writeHead(200, {
    "Content-Type": asset.type,
    "Content-Length": bytes.length,
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
  });
  res.end(req.method === "HEAD" ? undefined : bytes);
}
