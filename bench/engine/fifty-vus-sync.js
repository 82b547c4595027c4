// Throughput, classic k6 style: 50 VUs, no think time, one sync http.get per iteration (the
// same load as fifty-vus.js, which is its async form). Runs in the engine's sync mode.
import http from 'k6/http';

export const options = {
  scenarios: { bench: { executor: 'constant-vus', vus: Number(__ENV.VUS || 50), duration: __ENV.DURATION || '10s', gracefulStop: '2s' } },
  summaryTrendStats: ['avg', 'med', 'p(99)', 'max'],
};

export default function () {
  http.get(__ENV.TARGET);
}
