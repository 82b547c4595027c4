// http.batch with an array and with an object (k6 docs: "http.batch").
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 2, thresholds: { checks: ['rate==1'] } };

export default function () {
  const list = http.batch([
    `${__ENV.BASE}/record/b1`,
    ['GET', `${__ENV.BASE}/record/b2`],
    { method: 'POST', url: `${__ENV.BASE}/record/b3`, body: 'x=1' },
  ]);
  const named = http.batch({ a: `${__ENV.BASE}/record/ba`, b: ['GET', `${__ENV.BASE}/record/bb?status=201`] });
  check(list, { 'three answers': (r) => r.length === 3 && r.every((x) => x.status === 200) });
  check(named, { 'named answers': (r) => r.a.status === 200 && r.b.status === 201 });
}
