/**
 * What the example stand-ins share: a node:http server on loopback with helmet's security
 * headers (X-Frame-Options DENY, as the targets expect), prom-client's process metrics on
 * /metrics, a `--defect NAME` switch read at start, and the "listening on URL" line a test
 * waits for. Stand-ins are test fixtures: small services of the kinds the examples describe,
 * broken on request in one known way each.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import helmet from 'helmet';
import client from 'prom-client';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => unknown;

export interface StandInOptions {
  /** The defects this stand-in knows; anything else on the command line is refused. */
  defects: readonly string[];
  /** Headers to leave out of a response, decided per request (the missing-header defect). */
  omitHeaders?: (url: URL, defect: string) => string[];
  route: (defect: string) => Handler;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

export async function startStandIn(name: string, opts: StandInOptions): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, defect: { type: 'string', default: '' } } });
  const defect = values.defect!;
  if (defect && !opts.defects.includes(defect)) {
    console.error(`${name}: unknown --defect "${defect}" (known: ${opts.defects.join(', ')})`);
    process.exit(2);
  }
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const secure = helmet({ frameguard: { action: 'deny' }, hsts: { maxAge: 31_536_000 } });
  const route = opts.route(defect);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    secure(req, res, async () => {
      for (const h of opts.omitHeaders?.(url, defect) ?? []) res.removeHeader(h);
      try {
        if (url.pathname === '/metrics') {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(await registry.metrics());
          return;
        }
        await route(req, res, url);
      } catch (e) {
        if (!res.headersSent) sendJson(res, 500, { error: (e as Error).message });
        else res.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(Number(values.port), '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}${defect ? ` (defect: ${defect})` : ''}`);
  const stop = () => { server.closeAllConnections(); server.close(() => process.exit(0)); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
