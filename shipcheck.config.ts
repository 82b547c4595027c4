/**
 * This project's own gate: La Factoria, the included educational-content API (app/), described
 * the way any team describes its service. `npx shipcheck gate` in this folder gates it: in the
 * `local` environment shipcheck starts the API itself on an embedded PostgreSQL and issues a
 * pool of keys; against staging, set API_KEY (and API_KEYS, many keys: the API rate-limits per
 * key) and run `shipcheck gate --environment staging --allow-remote-target`.
 *
 * Targets from the seed: p95 < 200 ms, 500 concurrent users, 10,000 requests/hour, health p99
 * < 100 ms, errors < 1 %, content generation < 30 s.
 */
import { defineConfig } from 'shipcheck';

export default defineConfig({
  targets: {
    'la-factoria': {
      description: 'La Factoria, the included educational-content API (Fastify + PostgreSQL)',
      baseUrl: {
        local: 'http://127.0.0.1:3000',
        staging: 'https://staging.la-factoria.example.org',
        production: 'https://la-factoria.example.org',
      },
      start: 'included-api',
      auth: { type: 'bearer', tokenEnv: 'API_KEY', poolEnv: 'API_KEYS' },
      health: {
        liveness: { path: '/health', expect: { json: { status: 'ok', timestamp: { type: 'string' } } } },
        readiness: {
          path: '/api/v1/health',
          expect: {
            json: {
              status: 'healthy',
              'checks.database.status': 'healthy',
              'checks.ai_provider.status': 'healthy',
              'checks.quality_pipeline.status': 'healthy',
              'checks.disk.status': 'healthy',
              'checks.memory.status': 'healthy',
            },
          },
        },
      },
      endpoints: {
        // Reads: what educators do most. `capture` keeps an id for the next step.
        listContent: {
          path: '/api/v1/content', query: { limit: 20 }, group: 'reads', weight: 5,
          expect: { status: 200, contentType: 'application/json', json: { items: { type: 'array' }, limit: 20 } },
          capture: { id: 'items.*.id' },
        },
        listStudyGuides: {
          path: '/api/v1/content', query: { limit: 20, content_type: 'study_guide' }, group: 'reads', weight: 2,
          expect: { status: 200, json: { items: { type: 'array' }, 'items.*.content_type': 'study_guide' } },
          capture: { id: 'items.*.id' },
        },
        readContent: {
          path: '/api/v1/content/{id}', group: 'reads', weight: 3,
          expect: { status: 200, json: { id: { type: 'integer' }, content: { type: 'string', minLength: 1 } } },
        },
        educationalMetrics: {
          path: '/api/v1/metrics/educational', group: 'reads', weight: 1,
          expect: { status: 200, json: { total_content: { type: 'integer' }, 'quality.pass_rate': { type: 'number' } } },
        },
        serviceMetrics: { path: '/api/v1/metrics', group: 'reads', weight: 1, expect: { status: 200, json: { 'requests.total': { type: 'integer' } } } },
        detailedHealth: { path: '/api/v1/health/detailed', group: 'reads', weight: 0, expect: { status: 200, json: { status: 'healthy' } } },
        prometheus: { path: '/metrics', auth: false, group: 'reads', weight: 0, expect: { status: 200, contains: '# TYPE' } },
        // The expensive path: a model call, quality scoring and a write. Journeys only (weight 0),
        // never in the arrival mix, and judged by its own 30 s budget.
        generate: {
          method: 'POST', path: '/api/v1/content/generate', group: 'generation', weight: 0, smoke: true, timeoutSeconds: 90,
          body: { topic: 'Photosynthesis and the carbon cycle', content_type: 'study_guide', audience_level: 'beginner' },
          expect: {
            status: 201,
            json: { quality_passed: true, quality_score: { min: 0.7 }, educational_effectiveness: { min: 0.75 }, factual_accuracy: { min: 0.85 } },
          },
          capture: { id: 'id' },
        },
      },
      // The traffic mix of a school day: mostly browsing, some generating, a little reading of
      // quality, and an operator's dashboard.
      journeys: {
        browse: {
          weight: 60,
          steps: ['listContent', { think: [2, 5] }, { endpoint: 'listStudyGuides', chance: 0.4 }, { think: [1, 3] }, 'readContent', { think: [5, 15] }, { endpoint: 'readContent', chance: 0.5 }, { think: [5, 15] }],
        },
        generate: { weight: 15, steps: ['listContent', { think: [2, 6] }, 'generate', { think: [5, 15] }, 'readContent', { think: [3, 8] }] },
        quality: { weight: 15, steps: ['educationalMetrics', { think: [5, 10] }, 'serviceMetrics', { think: [3, 8] }] },
        operator: { weight: 10, steps: ['detailedHealth', { think: [1, 2] }, 'prometheus', { think: [5, 10] }] },
      },
      pages: {
        generator: { path: '/', keyboard: true, waitFor: 'h1' },
        monitor: { path: '/static/monitor.html', keyboard: true, waitFor: '#overall-status' },
      },
      security: {
        probes: ['/static/app.js', '/metrics'],
        // The included API is started with this origin allowed, so the check has one to test.
        cors: { allowed: ['https://allowed.shipcheck.test'] },
        requireAuth: ['/api/v1/content', '/api/v1/metrics', '/api/v1/metrics/educational', 'POST /api/v1/content/generate'],
        rateLimit: { path: '/api/v1/content?limit=1', maxRequests: 400 },
      },
      slo: {
        groups: {
          // Educators click through content; past ~200 ms the UI stops feeling instant, and the
          // slowest 1 % still answer within half a second, or users retry and add load.
          reads: { p95Ms: 200, p99Ms: 500 },
          // Generation calls a model; educators wait for it, but not longer than 30 s at p95.
          generation: { p95Ms: 30_000 },
        },
        errorRate: 0.01,
        checksRate: 0.99,
        // Orchestrators time health probes out; slow health means healthy pods dropped.
        healthP99Ms: 100,
      },
      sizing: { users: 500, requestsPerHour: 10_000, thinkTimeSeconds: [1, 5], spikeFactor: 3 },
      resources: {
        metricsPath: '/metrics',
        budgets: { 'resident memory': { metric: 'process_resident_memory_bytes', max: 512 * 1024 * 1024, unit: 'bytes' } },
      },
      // The included target's deeper checks, plugged in as any team's own would be.
      smoke: { testMatch: ['smoke/la-factoria/*.spec.ts'] },
      load: { scripts: ['scenarios/la-factoria/content-lifecycle.ts'] },
    },
  },
  gate: { profile: 'ci', engine: 'auto', shape: 'gate' },
});
