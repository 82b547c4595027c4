// The peer the app is measured against: node:http answering the same two routes with the
// same JSON bodies (serialised per request, as the app does), and nothing else — no
// framework, no database, no auth, no headers beyond Content-Type.
import http from 'node:http';

const content = JSON.parse(process.env.TRIVIAL_CONTENT_JSON ?? '{}');
const server = http.createServer((req, res) => {
  let body;
  if (req.url === '/health') body = JSON.stringify({ status: 'ok', timestamp: new Date().toISOString(), version: '0.1.0', environment: 'bench' });
  else if (req.url?.startsWith('/api/v1/content/')) body = JSON.stringify(content);
  else { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 72_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}`, pid: process.pid })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
