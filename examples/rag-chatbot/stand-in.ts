/**
 * A stand-in for a RAG chatbot backend for the example's tests: POST /api/chat answers from a
 * tiny document store and reports its retrieval and generation times in Server-Timing; a docs
 * page with a "try it" form; /health and /ready probes; bearer tokens from CHATBOT_TOKENS; an
 * OpenAPI document at /openapi.json (what `shipcheck init --from-openapi` reads).
 * `--defect NAME` breaks it in one way:
 *   slow-chat       every answer takes 15 s (the SLO is p95 ≤ 6 s)
 *   slow-api        the conversation history takes 5 s (the default API SLO is p95 < 200 ms)
 *   slow-retrieval  retrieval reports 3 s in Server-Timing (the SLO is p95 ≤ 500 ms)
 *   missing-header  the HTML pages (/ and /docs) are sent without Content-Security-Policy
 *   inaccessible    the pages lose alt text on their logo, and the docs' question box its label
 *   health-failing  /health answers 500
 *   memory-overrun  the process holds 1.2 GiB it never frees (the budget is 1 GiB)
 */
import crypto from 'node:crypto';
import { readBody, sendHtml, sendJson, sleep, startStandIn } from '../testing/stand-in-server.ts';

const DOCS = [
  { title: 'Resetting your password', url: '/docs#password', text: 'To reset your password open Settings, choose Security and follow the emailed link.' },
  { title: 'Exporting conversations', url: '/docs#export', text: 'Conversations can be exported as JSON from the History page.' },
  { title: 'Rate limits', url: '/docs#limits', text: 'Each token may send sixty questions per minute.' },
];
const tokens = new Set((process.env.CHATBOT_TOKENS ?? '').split(',').map((t) => t.trim()).filter(Boolean));

const timingSafeHas = (token: string) => [...tokens].some((t) => t.length === token.length && crypto.timingSafeEqual(Buffer.from(t), Buffer.from(token)));

function authorized(header: string | undefined): boolean {
  const m = /^Bearer (\S+)$/.exec(header ?? '');
  return Boolean(m && timingSafeHas(m[1]!));
}

const openapi = {
  openapi: '3.0.3',
  info: { title: 'RAG chatbot', version: '1.0.0' },
  components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  security: [{ bearer: [] }],
  paths: {
    '/health': { get: { summary: 'Liveness', security: [], responses: { 200: { description: 'alive', content: { 'application/json': { schema: { type: 'object' } } } } } } },
    '/ready': { get: { summary: 'Readiness: vector store and model reachable', security: [], responses: { 200: { description: 'ready', content: { 'application/json': { schema: { type: 'object' } } } } } } },
    '/api/conversations': { get: { summary: 'Recent conversations', parameters: [{ name: 'limit', in: 'query', required: false, schema: { type: 'integer', default: 10 } }], responses: { 200: { description: 'a page', content: { 'application/json': { schema: { type: 'object' } } } } } } },
    '/api/conversations/{id}': { get: { summary: 'One conversation', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'it' } } } },
    '/api/chat': { post: { summary: 'Ask a question', requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } } } } }, responses: { 200: { description: 'the answer' } } } },
  },
};

function docsPage(broken: boolean): string {
  const ask = broken
    ? '<img src="/logo.png" width="32" height="32"><p><textarea id="question"></textarea></p>'
    : '<p><label for="question">Your question</label></p><p><textarea id="question"></textarea></p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chatbot docs</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;color:#111;background:#fff}button:focus,textarea:focus,a:focus{outline:3px solid #124ea6}</style></head>
<body><main><h1>Chatbot API</h1>
<p>Send <code>POST /api/chat</code> with <code>{"message": "..."}</code> and a bearer token. Answers cite their sources.</p>
<h2 id="password">Try it</h2>${ask}<p><button type="button">Ask</button></p>
<h2 id="export">Limits</h2><p>Sixty questions per minute per token.</p><p><a href="/">Home</a></p></main></body></html>`;
}

await startStandIn('rag-chatbot', {
  defects: ['slow-chat', 'slow-api', 'slow-retrieval', 'missing-header', 'inaccessible', 'health-failing', 'memory-overrun'],
  omitHeaders: (url, defect) => (defect === 'missing-header' && (url.pathname === '/docs' || url.pathname === '/') ? ['content-security-policy'] : []),
  route: (defect) => {
    const ballast = defect === 'memory-overrun' ? Buffer.alloc(1200 * 1024 * 1024, 1) : undefined;
    return async (req, res, url) => {
      void ballast;
      const p = url.pathname;
      if (p === '/health') return defect === 'health-failing' ? sendJson(res, 500, { status: 'error', error: 'vector store unreachable' }) : sendJson(res, 200, { status: 'ok' });
      if (p === '/ready') return sendJson(res, 200, { status: 'ready', vectorStore: 'up', model: 'up' });
      if (p === '/openapi.json') return sendJson(res, 200, openapi);
      if (p === '/') {
        const logo = defect === 'inaccessible' ? '<img src="/logo.png" width="32" height="32">' : '';
        return sendHtml(res, 200, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Chatbot</title></head><body><main>${logo}<h1>Support chatbot</h1><p>Ask questions about the product. <a href="/docs">Read the API docs</a>.</p></main></body></html>`);
      }
      if (p === '/docs') return sendHtml(res, 200, docsPage(defect === 'inaccessible'));
      if (p === '/logo.png') { res.writeHead(200, { 'content-type': 'image/png' }); return res.end(Buffer.alloc(0)); }
      if (p.startsWith('/api/')) {
        if (!authorized(req.headers.authorization)) return sendJson(res, 401, { error: 'unauthorized', message: 'Send Authorization: Bearer <token>.' });
        if (p === '/api/conversations' && req.method === 'GET') {
          if (defect === 'slow-api') await sleep(5000);
          return sendJson(res, 200, { items: [] });
        }
        if (p === '/api/chat' && req.method === 'POST') {
          let message: unknown;
          try { message = (JSON.parse(await readBody(req)) as { message?: unknown }).message; } catch { message = undefined; }
          if (typeof message !== 'string' || !message.trim()) return sendJson(res, 400, { error: 'bad_request', message: 'Send {"message": "<your question>"}.' });
          const started = performance.now();
          const words = message.toLowerCase().split(/\W+/).filter((w) => w.length > 3);
          const sources = DOCS.filter((d) => words.some((w) => d.text.toLowerCase().includes(w))).slice(0, 2);
          const retrievalMs = defect === 'slow-retrieval' ? 3000 : performance.now() - started + 4;
          await sleep(defect === 'slow-chat' ? 15_000 : 40);
          const generationMs = performance.now() - started;
          return sendJson(res, 200, {
            answer: sources.length ? `${sources[0]!.text} (see "${sources[0]!.title}")` : 'I could not find that in the documentation.',
            sources: (sources.length ? sources : DOCS.slice(0, 1)).map(({ title, url: u }) => ({ title, url: u })),
          }, { 'server-timing': `retrieval;dur=${retrievalMs.toFixed(1)}, generation;dur=${generationMs.toFixed(1)}` });
        }
      }
      return sendJson(res, 404, { error: 'not_found', message: `No route ${req.method} ${p}.` });
    };
  },
});
