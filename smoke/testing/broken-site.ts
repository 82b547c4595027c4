/**
 * A deliberately broken deployment on loopback, for proving the suites fail when they should.
 * It mimics the included API's paths, each broken in one known way:
 *   /                      generator page: an image without alt text, an unlabeled input
 *   /static/monitor.html   monitor page: low-contrast text; no X-Frame-Options header
 *   /health                500
 *   /api/v1/health         200 with a body of the wrong schema
 * Everything else answers 404 JSON with every security header, so each failure has one cause.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BrokenSite { url: string; close(): Promise<void> }

const SECURITY_HEADERS: Record<string, string> = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  // Inline styles allowed here so the low-contrast text really renders low-contrast.
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
};

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main>${body}</main></body></html>`;

const GENERATOR = page('Generator (broken)', `
  <h1>Generate educational content</h1>
  <img src="/static/logo.png" width="40" height="40">
  <p><input id="topic" type="text"></p>`);

const MONITOR = page('Monitor (broken)', `
  <h1>Service monitor</h1>
  <div><label for="api-key">API key</label> <input id="api-key" type="password"></div>
  <p id="updated">Updated just now.</p>
  <div id="error" hidden></div>
  <h2>Health: <span id="overall-status">healthy</span></h2>
  <p id="faint" style="color:#c4c4c4;background:#ffffff">Refreshes every 30 seconds.</p>`);

const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

export async function startBrokenSite(): Promise<BrokenSite> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, type: string, body: string | Buffer, omit: string[] = []) => {
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!omit.includes(k)) res.setHeader(k, v);
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const json = (status: number, body: unknown) => send(status, 'application/json; charset=utf-8', JSON.stringify(body));
    switch (url.pathname) {
      case '/': return send(200, 'text/html; charset=utf-8', GENERATOR);
      case '/static/monitor.html': return send(200, 'text/html; charset=utf-8', MONITOR, ['x-frame-options']);
      case '/static/logo.png': return send(200, 'image/png', PNG_1PX);
      case '/health': return json(500, { statusCode: 500, error: 'Internal Server Error', message: 'database connection refused' });
      case '/api/v1/health': return json(200, { status: 'ok', checks: { database: 'up' } });
      default: return json(404, { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: `No route ${req.method} ${url.pathname}.` });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
