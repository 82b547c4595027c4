// setup() data goes to every VU (each its own copy) and to teardown() unchanged.
import http from 'k6/http';

export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 2 } } };

export function setup() {
  const res = http.get(`${__ENV.BASE}/record/setup?vu=${__VU}`);
  return { token: 'abc', n: 3, status: res.status };
}

export default function (data) {
  data.n++;
  http.get(`${__ENV.BASE}/record/use?vu=${__VU}&n=${data.n}&token=${data.token}&status=${data.status}`);
}

export function teardown(data) {
  http.get(`${__ENV.BASE}/record/teardown?vu=${__VU}&n=${data.n}`);
}
