import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import type {WatchStatus} from './status.js';

/** `HOST:PORT` (`[::1]:9464` for IPv6) as given to --listen; null when it is not one. */
export function parseListen(text: string): {host: string; port: number} | null {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) return null;
  return {host: match[1] ?? match[2]!, port};
}

/**
 * Serves GET /healthz (200 or 503, JSON saying why) and GET /metrics (Prometheus text format).
 * Resolves with the server and its URL once it listens.
 */
export async function serveStatus(status: WatchStatus, host: string, port: number): Promise<{server: Server; url: string}> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, {allow: 'GET, HEAD'}).end();
    } else if (path === '/healthz') {
      const health = status.health();
      res.writeHead(health.ok ? 200 : 503, {'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store'});
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(health) + '\n');
    } else if (path === '/metrics') {
      status.registry.metrics().then(
        text => {
          res.writeHead(200, {'content-type': status.registry.contentType});
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (error: Error) => res.writeHead(500, {'content-type': 'text/plain'}).end(`metrics failed: ${error.message}\n`),
      );
    } else {
      res.writeHead(404, {'content-type': 'text/plain'}).end('not found: try /healthz or /metrics\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {server, url: `http://${shown}:${address.port}`};
}
