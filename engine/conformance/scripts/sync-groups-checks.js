// The style of k6's "Running k6" and "Groups" docs: sync requests inside groups, checks, sleep.
import http from 'k6/http';
import { check, group, sleep } from 'k6';

export const options = {
  vus: 2,
  iterations: 6,
  thresholds: { checks: ['rate==1'], http_reqs: ['count==12'], 'http_req_duration{group:::home}': ['max<10000'] },
};

export default function () {
  group('home', function () {
    const res = http.get(`${__ENV.BASE}/record/home`);
    check(res, { 'status is 200': (r) => r.status === 200, 'body has ok': (r) => r.json('ok') === true });
  });
  group('api', function () {
    group('post', function () {
      const res = http.post(`${__ENV.BASE}/record/post`, JSON.stringify({ n: __ITER }), { headers: { 'Content-Type': 'application/json' } });
      check(res, { 'posted': (r) => r.status === 200 });
    });
  });
  sleep(0.01);
}
