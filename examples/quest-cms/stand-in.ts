/**
 * A stand-in for Quest-CMS (a server-rendered content site) for the example's tests: a home
 * page, an article list, articles and a search page rendered on the server, /healthz and
 * Prometheus process metrics. `--defect NAME` breaks it in one way:
 *   slow-pages      every article takes 10 s to render (the SLO is 3 s)
 *   missing-header  articles are sent without X-Content-Type-Options
 *   inaccessible    the home page has an image without alt text and an unlabeled input
 *   health-failing  /healthz answers 503 "down"
 *   memory-overrun  the process holds 700 MiB it never frees (the budget is 512 MiB)
 */
import { sendHtml, sendJson, sleep, startStandIn } from '../testing/stand-in-server.ts';

const ARTICLES: Record<string, { title: string; body: string }> = {
  'getting-started': { title: 'Getting started with quests', body: 'Create a quest, invite your party and set the first milestone.' },
  'writing-good-quests': { title: 'Writing good quests', body: 'A good quest has one goal, a clear reward and a deadline.' },
  'moderation': { title: 'Moderating a community', body: 'Set rules early, enforce them evenly and explain every decision.' },
};

function page(title: string, main: string, extra = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Quest-CMS</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}header,main,footer{max-width:48rem;margin:0 auto;padding:1rem}
a{color:#0b4fa3}a:focus,button:focus,input:focus{outline:3px solid #0b4fa3;outline-offset:2px}nav ul{display:flex;gap:1rem;list-style:none;padding:0}</style>
</head><body>
<header><p><a href="/">Quest-CMS</a></p><nav aria-label="Main"><ul><li><a href="/articles">Articles</a></li><li><a href="/search?q=quest">Search</a></li></ul></nav></header>
<main><h1>${title}</h1>${main}${extra}</main>
<footer><p>Quest-CMS stand-in</p></footer>
</body></html>`;
}

const searchForm = `<form action="/search" method="get" role="search"><label for="q">Search articles</label> <input id="q" name="q" type="search"> <button type="submit">Search</button></form>`;

await startStandIn('quest-cms', {
  defects: ['slow-pages', 'missing-header', 'inaccessible', 'health-failing', 'memory-overrun'],
  omitHeaders: (url, defect) => (defect === 'missing-header' && url.pathname.startsWith('/articles/') ? ['x-content-type-options'] : []),
  route: (defect) => {
    // Held for the whole life of the process, as a leak would.
    const ballast = defect === 'memory-overrun' ? Buffer.alloc(700 * 1024 * 1024, 1) : undefined;
    return async (_req, res, url) => {
      void ballast;
      if (url.pathname === '/healthz') {
        return defect === 'health-failing' ? sendJson(res, 503, { status: 'down', reason: 'database unreachable' }) : sendJson(res, 200, { status: 'ok' });
      }
      if (url.pathname === '/') {
        const broken = defect === 'inaccessible' ? '<img src="/banner.png" width="400" height="80"><p><input id="subscribe" type="email"></p>' : '';
        return sendHtml(res, 200, page('Welcome to Quest-CMS', `<p>Guides for running quests and communities.</p>${searchForm}<p><a href="/articles/getting-started">Start with the first guide</a></p>`, broken));
      }
      if (url.pathname === '/articles') {
        const list = Object.entries(ARTICLES).map(([slug, a]) => `<li><a href="/articles/${slug}">${a.title}</a></li>`).join('');
        return sendHtml(res, 200, page('Articles', `<ul>${list}</ul>`));
      }
      const article = /^\/articles\/([a-z-]+)$/.exec(url.pathname);
      if (article) {
        const a = ARTICLES[article[1]!];
        if (!a) return sendHtml(res, 404, page('Not found', '<p>No such article.</p>'));
        if (defect === 'slow-pages') await sleep(10_000);
        return sendHtml(res, 200, page(a.title, `<article><p>${a.body}</p></article><p><a href="/articles">All articles</a></p>`));
      }
      if (url.pathname === '/search') {
        const q = (url.searchParams.get('q') ?? '').toLowerCase();
        const hits = Object.entries(ARTICLES).filter(([, a]) => `${a.title} ${a.body}`.toLowerCase().includes(q));
        return sendHtml(res, 200, page('Search', `${searchForm}<p>${hits.length} results</p><ul>${hits.map(([s, a]) => `<li><a href="/articles/${s}">${a.title}</a></li>`).join('')}</ul>`));
      }
      if (url.pathname === '/banner.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        return res.end(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64'));
      }
      return sendHtml(res, 404, page('Not found', '<p>No such page.</p>'));
    };
  },
});
