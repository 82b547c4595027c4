/**
 * A small web app on 127.0.0.1 for the conformance scripts that need one: cookies, redirects,
 * an HTML form with a hidden field, links, and Basic auth. Every request is recorded with the
 * Cookie and Authorization headers it carried.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebRecord { method: string; path: string; query: Record<string, string>; body: string; cookie: string; authorization: string }
export interface WebServer { url: string; records: WebRecord[]; close(): Promise<void> }

const FORM = `<!doctype html><html><body>
<h1 class="title">Sign in</h1>
<form id="login" action="/login" method="post">
  <input type="hidden" name="csrf" value="tok-123">
  <input type="text" name="user" value="">
  <input type="password" name="password" value="">
  <button type="submit" name="go" value="1">Sign in</button>
</form>
<ul><li><a class="nav" href="/record/page/one">one</a></li><li><a class="nav" href="/record/page/two">two</a></li></ul>
</body></html>`;

export async function startWebServer(): Promise<WebServer> {
  const records: WebRecord[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const query = Object.fromEntries(u.searchParams);
      records.push({ method: req.method ?? '', path: u.pathname, query, body, cookie: req.headers.cookie ?? '', authorization: req.headers.authorization ?? '' });
      if (u.pathname === '/set-cookie') {
        res.writeHead(200, { 'set-cookie': [`${query.name}=${query.value}; Path=/`, 'other=x; Path=/elsewhere'] });
        return res.end('set');
      }
      if (u.pathname === '/redirect-with-cookie') {
        res.writeHead(302, { location: '/record/landed', 'set-cookie': 'hop=1; Path=/' });
        return res.end();
      }
      if (u.pathname === '/redirect') {
        res.writeHead(302, { location: query.to ?? '/record/landed' });
        return res.end();
      }
      if (u.pathname === '/form') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end(FORM);
      }
      if (u.pathname === '/basic') {
        const ok = req.headers.authorization === `Basic ${Buffer.from('ada:s3cret').toString('base64')}`;
        res.writeHead(ok ? 200 : 401);
        return res.end(ok ? 'welcome' : 'who?');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, path: u.pathname }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, records, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}
