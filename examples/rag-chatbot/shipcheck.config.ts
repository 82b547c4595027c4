/**
 * A RAG chatbot backend: answers within 6 s at p95, retrieval (which the service reports in
 * Server-Timing) within 500 ms at p95, under 1 % errors, and its docs page usable by everyone
 * (first paint under 3 s, WCAG 2.1 AA). Tokens come from CHATBOT_TOKEN, and for load from a
 * pool in CHATBOT_TOKENS so each virtual user asks with its own.
 *
 *   CHATBOT_TOKEN=… CHATBOT_TOKENS=t1,t2,… npx shipcheck gate --config examples/rag-chatbot/shipcheck.config.ts
 */
import { defineConfig } from 'shipcheck';

export default defineConfig({
  targets: {
    'rag-chatbot': {
      description: 'A retrieval-augmented chatbot backend',
      baseUrl: { local: 'http://127.0.0.1:8090', staging: 'https://staging.chat.example.org', production: 'https://chat.example.org' },
      auth: { type: 'bearer', tokenEnv: 'CHATBOT_TOKEN', poolEnv: 'CHATBOT_TOKENS' },
      health: {
        liveness: { path: '/health', expect: { json: { status: 'ok' } } },
        readiness: { path: '/ready', expect: { json: { status: 'ready', vectorStore: 'up', model: 'up' } } },
      },
      endpoints: {
        // The product: a question in, a cited answer out. Safe to repeat, so the smoke suite asks once too.
        chat: {
          method: 'POST', path: '/api/chat', group: 'chat', weight: 4, smoke: true, timeoutSeconds: 30,
          body: { message: 'How do I reset my password?' },
          expect: { status: 200, json: { answer: { type: 'string', minLength: 1 }, sources: { type: 'array', minLength: 1 }, 'sources.*.url': { type: 'string' } } },
        },
        followUp: {
          method: 'POST', path: '/api/chat', group: 'chat', weight: 0, timeoutSeconds: 30,
          body: { message: 'Can I export my conversations?' },
          expect: { status: 200, json: { answer: { type: 'string', minLength: 1 } } },
        },
        history: { path: '/api/conversations', query: { limit: 10 }, group: 'api', weight: 1, expect: { status: 200, json: { items: { type: 'array' } } } },
      },
      journeys: {
        conversation: { weight: 1, steps: ['chat', { think: [5, 20] }, { endpoint: 'followUp', chance: 0.6 }, { think: [5, 20] }, { endpoint: 'history', chance: 0.2 }] },
      },
      pages: { docs: { path: '/docs', fcpMs: 3000, loadMs: 3000, keyboard: true } },
      security: { requireAuth: ['POST /api/chat', '/api/conversations'] },
      slo: {
        groups: {
          // People wait for an answer, but not past 6 s.
          chat: { p95Ms: 6000 },
          api: { p95Ms: 200, p99Ms: 500 },
        },
        errorRate: 0.01,
        checksRate: 0.99,
        healthP99Ms: 100,
      },
      // Retrieval is the part the team owns; the model's time is the provider's.
      serviceTimings: { retrieval: { serverTiming: 'retrieval', endpoints: ['chat', 'followUp'], p95Ms: 500 } },
      sizing: { users: 50, requestsPerHour: 2000, thinkTimeSeconds: [5, 20], spikeFactor: 3 },
      resources: {
        metricsPath: '/metrics',
        budgets: { 'resident memory': { metric: 'process_resident_memory_bytes', max: 1024 * 1024 * 1024, unit: 'bytes' } },
      },
    },
  },
});
