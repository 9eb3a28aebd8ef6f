// A static file server on a loopback port: pages get an origin of their own,
// so every call to the sandbox is a real cross-origin (CORS) request.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".css": "text/css",
  ".wasm": "application/wasm",
};

/**
 * Serves `root`; resolves to its base URL (ending in `/`), `close()`,
 * `requests(suffix)` (how many requests for paths ending in `suffix` it got)
 * and `dropNext(suffix)` (the next such request is cut off mid-body, a network
 * error in the browser). Nothing is cached.
 */
export async function serve(root) {
  const requested = [];
  const drops = [];
  const server = createServer(async (request, response) => {
    try {
      const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
      requested.push(path);
      const drop = drops.findIndex((suffix) => path.endsWith(suffix));
      if (drop >= 0) {
        // Cut off after the headers and a few bytes: browsers retry a request
        // whose connection fails before any answer, not one cut short.
        drops.splice(drop, 1);
        response.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream", "content-length": 1_000_000 });
        response.write(Buffer.alloc(100));
        return setTimeout(() => request.socket.destroy(), 50);
      }
      const file = join(root, path.endsWith("/") ? `${path}index.html` : path);
      if (!file.startsWith(root + sep)) return response.writeHead(403).end();
      const body = await readFile(file);
      response.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
      });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    requests: (suffix) => requested.filter((path) => path.endsWith(suffix)).length,
    dropNext: (suffix) => drops.push(suffix),
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections(); // a browser's idle keep-alive ones too
      }),
  };
}
