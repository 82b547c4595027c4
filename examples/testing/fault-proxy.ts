/**
 * A proxy in front of the included API that breaks it in one known way, for the La Factoria
 * example's tests. The faults live here, in front of the service, never as hooks inside app/:
 *   slow-reads      GET /api/v1/content/:id answers 5 s late (the reads SLO is far below)
 *   missing-header  the monitor page loses its X-Frame-Options header
 *   inaccessible    the generator page gains an image without alt text
 *   health-failing  /api/v1/health answers 503 "degraded" with the database check down
 *   memory-overrun  /metrics reports 900 MiB resident (the budget is 512 MiB)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAULTS = ['slow-reads', 'missing-header', 'inaccessible', 'health-failing', 'memory-overrun'] as const;
export type Fault = (typeof FAULTS)[number];

export interface FaultProxy {
  url: string;
  /** Resolves once the proxy has received this many requests: a test acts on traffic seen, never on a clock. */
  afterRequests(n: number): Promise<void>;
  close(): Promise<void>;
}

const REWRITES = new Set<Fault>(['inaccessible', 'memory-overrun']);

export async function startFaultProxy(upstream: string, fault?: Fault): Promise<FaultProxy> {
  const up = new URL(upstream);
  let received = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server = http.createServer((req, res) => {
    received++;
    for (const w of waiters.filter((x) => received >= x.n)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
    const path = (req.url ?? '/').split('?')[0]!;
    if (fault === 'health-failing' && path === '/api/v1/health') {
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'strict-transport-security': 'max-age=31536000', 'content-security-policy': "default-src 'self'" });
      res.end(JSON.stringify({ status: 'degraded', checks: { database: { status: 'unhealthy', latency_ms: 0, message: 'connection refused' } } }));
      return;
    }
    const rewrite = (fault === 'inaccessible' && path === '/') || (fault === 'memory-overrun' && path === '/metrics');
    const forward = http.request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: { ...req.headers, host: up.host } }, (upRes) => {
      const headers = { ...upRes.headers };
      if (fault === 'missing-header' && path === '/static/monitor.html') delete headers['x-frame-options'];
      const send = () => {
        if (!rewrite || !REWRITES.has(fault!)) {
          res.writeHead(upRes.statusCode ?? 502, headers);
          upRes.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c));
        upRes.on('end', () => {
          let body = Buffer.concat(chunks).toString('utf8');
          if (fault === 'inaccessible') body = body.replace(/<main([^>]*)>/, '<main$1><img src="/static/banner.png" width="300" height="60">');
          else body = body.replace(/^process_resident_memory_bytes \S+$/m, `process_resident_memory_bytes ${900 * 1024 * 1024}`);
          delete headers['content-length'];
          delete headers['transfer-encoding'];
          res.writeHead(upRes.statusCode ?? 502, { ...headers, 'content-length': Buffer.byteLength(body) });
          res.end(body);
        });
      };
      if (fault === 'slow-reads' && req.method === 'GET' && /^\/api\/v1\/content\/\d+$/.test(path)) setTimeout(send, 5000);
      else send();
    });
    forward.on('error', (e) => { if (!res.headersSent) { res.writeHead(502, { 'content-type': 'text/plain' }); res.end(`proxy: ${e.message}`); } else res.destroy(); });
    req.pipe(forward);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    afterRequests: (n) => (received >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
