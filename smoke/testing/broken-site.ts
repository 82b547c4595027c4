/**
 * A stand-in service on loopback for proving the smoke suites: healthy by default (it passes
 * every generic suite under the target the tests describe for it), and broken in known ways
 * on demand, each defect aimed at exactly one check:
 *
 *   health-fails         GET /healthz answers 500
 *   wrong-body           GET /api/stats answers "total" as a string
 *   missing-header       GET /docs has no X-Frame-Options
 *   open-route           GET /api/admin answers 200 without a token
 *   cors-echo            every Origin is echoed in Access-Control-Allow-Origin
 *   image-alt-label      the home page has an image without alt text and an unlabeled input
 *   low-contrast         the docs page has low-contrast text (#faint)
 *   slow-page            the home page's render-blocking script arrives after 6 s
 *   keyboard-trap        the form page's #trap input swallows Tab
 *   unreachable-control  the toolbar page has a div button (#save-draft) that Tab never reaches
 *   no-rate-limit        no 429, however many requests one key sends
 *   leaky-errors         a 404 body carries a stack trace with a file path
 *   lost-writes          POST /api/items answers 201 but keeps nothing (the user's own spec catches it)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const DEFECTS = ['health-fails', 'wrong-body', 'missing-header', 'open-route', 'cors-echo', 'image-alt-label', 'low-contrast', 'slow-page',
  'keyboard-trap', 'unreachable-control', 'no-rate-limit', 'leaky-errors', 'lost-writes'] as const;
export type Defect = (typeof DEFECTS)[number];

export interface StandInOptions {
  defects?: readonly Defect[];
  /** Bearer tokens it accepts. */
  keys: readonly string[];
  /** Origins its CORS allows. */
  allowedOrigins?: readonly string[];
  /** Requests one key may make per minute before a 429 (default 40). */
  perKeyPerMinute?: number;
}

export interface StandIn { url: string; close(): Promise<void> }

/** The delay of the slow page's render-blocking script: far above any budget a test sets. */
export const SLOW_SCRIPT_MS = 6000;

const SECURITY_HEADERS: Record<string, string> = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  // Inline styles allowed so the low-contrast text really renders low-contrast.
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
};

const page = (title: string, body: string, head = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}</head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;

const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

export async function startBrokenSite(opts: StandInOptions): Promise<StandIn> {
  const broken = new Set<Defect>(opts.defects ?? []);
  const keys = new Set(opts.keys);
  const allowed = new Set(opts.allowedOrigins ?? []);
  const perMinute = opts.perKeyPerMinute ?? 40;
  const windows = new Map<string, { startMs: number; count: number }>();
  const items = new Map<number, { id: number; name: string }>([[1, { id: 1, name: 'first' }], [2, { id: 2, name: 'second' }]]);
  let nextId = 3;

  const pages: Record<string, string> = {
    '/': page('Stand-in home', broken.has('image-alt-label')
      ? '<img src="/static/logo.png" width="40" height="40"><p><input id="topic" type="text"></p>'
      : '<img src="/static/logo.png" width="40" height="40" alt="Stand-in logo"><p><label for="topic">Topic</label> <input id="topic" type="text"></p>',
    '<script src="/static/app.js"></script>'),
    '/docs': page('Stand-in docs', `<p>How to use the stand-in.</p>${broken.has('low-contrast')
      ? '<p id="faint" style="color:#c4c4c4;background:#ffffff">Updated every 30 seconds.</p>'
      : '<p id="faint" style="color:#444444;background:#ffffff">Updated every 30 seconds.</p>'}`),
    '/form': page('Stand-in form', `<form>
      <p><label for="name">Name</label> <input id="name" type="text"></p>
      <p><label for="trap">Search</label> <input id="trap" type="search"></p>
      <fieldset><legend>Plan</legend>
        <label><input type="radio" name="plan" value="free" checked> Free</label>
        <label><input type="radio" name="plan" value="pro"> Pro</label></fieldset>
      <p><button type="submit">Send</button> <a href="/docs">Read the docs</a></p></form>`,
    '<script src="/static/form.js" defer></script>'),
    '/toolbar': page('Stand-in toolbar', `<div role="toolbar" aria-label="Formatting">
      <button type="button" tabindex="0">Bold</button> <button type="button" tabindex="-1">Italic</button></div>
      <p>${broken.has('unreachable-control') ? '<span id="save-draft" role="button">Save draft</span>' : '<button type="button" id="save-draft">Save draft</button>'}
      <button type="button">Publish</button></p>`),
  };
  const FORM_JS = broken.has('keyboard-trap')
    ? "document.getElementById('trap').addEventListener('keydown', (e) => { if (e.key === 'Tab') e.preventDefault(); });"
    : '';

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = req.headers.origin;
    const send = (status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) {
        if (!(k === 'x-frame-options' && url.pathname === '/docs' && broken.has('missing-header'))) res.setHeader(k, v);
      }
      if (origin && (allowed.has(origin) || broken.has('cors-echo'))) { res.setHeader('access-control-allow-origin', origin); res.setHeader('vary', 'Origin'); }
      res.writeHead(status, { 'content-type': type, ...extra });
      res.end(body);
    };
    const json = (status: number, body: unknown, extra?: Record<string, string>) => send(status, 'application/json; charset=utf-8', JSON.stringify(body), extra);

    if (req.method === 'OPTIONS') return send(204, 'text/plain', '', { 'access-control-allow-methods': 'GET, POST' });
    if (url.pathname in pages && req.method === 'GET') return send(200, 'text/html; charset=utf-8', pages[url.pathname]!);
    if (url.pathname === '/static/logo.png') return send(200, 'image/png', PNG_1PX);
    if (url.pathname === '/static/form.js') return send(200, 'text/javascript', FORM_JS);
    if (url.pathname === '/static/app.js') {
      const answer = () => send(200, 'text/javascript', "document.documentElement.dataset.ready = 'yes';");
      if (broken.has('slow-page')) { const t = setTimeout(answer, SLOW_SCRIPT_MS); res.once('close', () => clearTimeout(t)); return; }
      return answer();
    }
    if (url.pathname === '/healthz') return broken.has('health-fails') ? json(500, { status: 'error', message: 'database connection refused' }) : json(200, { status: 'ok' });
    if (url.pathname === '/readyz') return json(200, { status: 'ready', checks: { db: 'up' } });

    if (url.pathname.startsWith('/api/')) {
      const header = req.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7) : '';
      const open = url.pathname === '/api/admin' && broken.has('open-route');
      if (!open && !keys.has(token)) return json(401, { error: 'unauthorized', message: 'Send "Authorization: Bearer <key>".' });
      if (!open && !broken.has('no-rate-limit')) {
        const now = Date.now();
        let w = windows.get(token);
        if (!w || now - w.startMs >= 60_000) { w = { startMs: now, count: 0 }; windows.set(token, w); }
        if (++w.count > perMinute) return json(429, { error: 'rate limited' }, { 'retry-after': String(Math.max(1, Math.ceil((w.startMs + 60_000 - now) / 1000))) });
      }
      if (url.pathname === '/api/admin') return json(200, { users: 3 });
      if (url.pathname === '/api/stats') return json(200, { total: broken.has('wrong-body') ? String(items.size) : items.size });
      if (url.pathname === '/api/items' && req.method === 'GET') return json(200, { items: [...items.values()] });
      if (url.pathname === '/api/items' && req.method === 'POST') {
        let raw = '';
        req.setEncoding('utf8');
        req.on('data', (c: string) => { raw += c; });
        req.on('end', () => {
          let body: { name?: unknown };
          try { body = JSON.parse(raw) as { name?: unknown }; } catch { return json(400, { error: 'bad request', message: 'The body is not JSON.' }); }
          if (typeof body.name !== 'string' || !body.name) return json(400, { error: 'bad request', message: '"name" is required.' });
          const item = { id: nextId++, name: body.name };
          if (!broken.has('lost-writes')) items.set(item.id, item);
          return json(201, item);
        });
        return;
      }
      const m = /^\/api\/items\/(\d+)$/.exec(url.pathname);
      if (m && req.method === 'GET') {
        const item = items.get(Number(m[1]));
        return item ? json(200, item) : json(404, { error: 'not found', message: `No item ${m[1]}.` });
      }
    }
    return json(404, broken.has('leaky-errors')
      ? { error: 'Not Found', stack: `Error: no route ${url.pathname}\n    at route (/srv/standin/server.js:42:7)` }
      : { error: 'Not Found', message: `No route ${req.method} ${url.pathname}.` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
