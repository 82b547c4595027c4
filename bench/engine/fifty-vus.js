// Throughput: 50 VUs, no think time, one GET per iteration (the same shape as autocannon -c 50).
import http from 'k6/http';

export const options = {
  scenarios: { bench: { executor: 'constant-vus', vus: Number(__ENV.VUS || 50), duration: __ENV.DURATION || '10s', gracefulStop: '2s' } },
  summaryTrendStats: ['avg', 'med', 'p(99)', 'max'],
};

export default async function () {
  await http.asyncRequest('GET', __ENV.TARGET);
}
