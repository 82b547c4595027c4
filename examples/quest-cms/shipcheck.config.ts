/**
 * Quest-CMS: a server-rendered content site. What its seed asks: pages in under 3 s for 100
 * concurrent readers, each page painting its first content within 2 s in a browser, WCAG 2.1 AA,
 * and the server within 512 MB of memory. No API keys: readers are anonymous.
 *
 *   npx shipcheck gate --config examples/quest-cms/shipcheck.config.ts                 # local
 *   npx shipcheck gate --config examples/quest-cms/shipcheck.config.ts \
 *       --environment staging --allow-remote-target                                    # in CI
 */
import { defineConfig } from 'shipcheck';

export default defineConfig({
  targets: {
    'quest-cms': {
      description: 'Quest-CMS, a server-rendered content site',
      baseUrl: { local: 'http://127.0.0.1:8080', staging: 'https://staging.quest-cms.example.org', production: 'https://quest-cms.example.org' },
      auth: { type: 'none' },
      health: { liveness: { path: '/healthz', expect: { json: { status: 'ok' } } } },
      // Every page route readers load; the group carries the 3 s page SLO.
      endpoints: {
        home: { path: '/', group: 'pages', weight: 3, expect: { status: 200, contentType: 'text/html', contains: '<h1>' } },
        articles: { path: '/articles', group: 'pages', weight: 2, expect: { status: 200, contentType: 'text/html', contains: '<h1>Articles</h1>' } },
        gettingStarted: { path: '/articles/getting-started', group: 'pages', weight: 3, expect: { status: 200, contains: 'Getting started' } },
        writingQuests: { path: '/articles/writing-good-quests', group: 'pages', weight: 2, expect: { status: 200, contains: 'Writing good quests' } },
        search: { path: '/search', query: { q: 'quest' }, group: 'pages', weight: 1, expect: { status: 200, contains: 'results' } },
      },
      // A reader lands, opens the list, reads an article or two.
      journeys: {
        reader: { weight: 4, steps: ['home', { think: [2, 6] }, 'articles', { think: [2, 5] }, 'gettingStarted', { think: [10, 30] }, { endpoint: 'writingQuests', chance: 0.5 }, { think: [10, 30] }] },
        searcher: { weight: 1, steps: ['home', { think: [1, 3] }, 'search', { think: [3, 8] }, 'gettingStarted', { think: [10, 30] }] },
      },
      pages: {
        home: { path: '/', fcpMs: 2000, loadMs: 3000, keyboard: true },
        article: { path: '/articles/getting-started', fcpMs: 2000, loadMs: 3000, keyboard: true },
        search: { path: '/search?q=quest', fcpMs: 2000, loadMs: 3000 },
      },
      security: { probes: ['/articles'] },
      slo: {
        // Readers leave pages that take longer than 3 s.
        groups: { pages: { p95Ms: 3000, p99Ms: 5000 } },
        errorRate: 0.01,
        checksRate: 0.99,
        healthP99Ms: 100,
      },
      sizing: { users: 100, requestsPerHour: 3600, thinkTimeSeconds: [3, 10], spikeFactor: 3 },
      // The host gives the CMS 512 MB; past it the process is killed.
      resources: {
        metricsPath: '/metrics',
        budgets: { 'resident memory': { metric: 'process_resident_memory_bytes', max: 512 * 1024 * 1024, unit: 'bytes' } },
      },
    },
  },
});
