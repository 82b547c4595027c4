// CPU per request: 50 VUs share a fixed number of iterations (ITERS), one GET each, so two engines
// do the same work and their CPU time compares even when the machine's speed moves between runs.
import http from 'k6/http';

export const options = {
  scenarios: { bench: { executor: 'shared-iterations', vus: 50, iterations: Number(__ENV.ITERS || 100000), maxDuration: '120s' } },
  summaryTrendStats: ['avg', 'med', 'p(99)', 'max'],
};

export default async function () {
  await http.asyncRequest('GET', __ENV.TARGET);
}
