// The peer the app is measured against: node:http answering the same two routes with the
// same JSON bodies and nothing else — no framework, no database, no auth, no headers beyond
// Content-Type. The health body is built per request (its timestamp changes); the content
// body is serialised once, the least work any server could do for it.
import http from 'node:http';

const content = JSON.stringify(JSON.parse(process.env.TRIVIAL_CONTENT_JSON ?? '{}'));
const server = http.createServer((req, res) => {
  let body;
  if (req.url === '/health') body = JSON.stringify({ status: 'ok', timestamp: new Date().toISOString(), version: '0.1.0', environment: 'bench' });
  else if (req.url?.startsWith('/api/v1/content/')) body = content;
  else { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 72_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}`, pid: process.pid })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
