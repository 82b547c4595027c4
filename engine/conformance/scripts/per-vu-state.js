// Module-level state belongs to one VU (k6 runs the init context once per VU): a token set on
// the VU's first iteration, and a counter.
import http from 'k6/http';

export const options = { scenarios: { users: { executor: 'per-vu-iterations', vus: 3, iterations: 4 } } };

let token;
let count = 0;

function login() {
  const res = http.get(`${__ENV.BASE}/record/login?vu=${__VU}`);
  return res.status === 200 ? `t-${__VU}` : undefined;
}

export default function () {
  if (!token) token = login();
  count++;
  http.get(`${__ENV.BASE}/record/iter?vu=${__VU}&iter=${__ITER}&count=${count}&token=${token}`);
}
