// Requests in helper functions, in forEach/map callbacks and in nested groups; group returns its value.
import http from 'k6/http';
import { check, group } from 'k6';

export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };

const paths = ['a', 'b', 'c'];

function fetchOne(p) {
  return http.get(`${__ENV.BASE}/record/seq/${p}`).status;
}

export default function () {
  paths.forEach((p) => { fetchOne(p); });
  const statuses = paths.map((p) => http.get(`${__ENV.BASE}/record/map/${p}`).status);
  const sorted = [3, 1, 2].sort((x, y) => x - y).join(',');
  const value = group('outer', () => group('inner', () => {
    const res = http.get(`${__ENV.BASE}/record/inner`);
    check(res, { 'inner ok': (r) => r.status === 200 });
    return 42;
  }));
  check(statuses, { 'map gave statuses': (s) => s.join(',') === '200,200,200', 'sort stays sync': () => sorted === '1,2,3', 'group returns': () => value === 42 });
}
