// The same per-VU state in the async style (http.asyncRequest, async default function).
import http from 'k6/http';

export const options = { scenarios: { users: { executor: 'per-vu-iterations', vus: 3, iterations: 4 } } };

let token;
let count = 0;

export default async function () {
  if (!token) {
    const res = await http.asyncRequest('GET', `${__ENV.BASE}/record/alogin?vu=${__VU}`);
    token = res.status === 200 ? `t-${__VU}` : undefined;
  }
  count++;
  await new Promise((r) => setTimeout(r, 1));
  await http.asyncRequest('GET', `${__ENV.BASE}/record/aiter?vu=${__VU}&iter=${__ITER}&count=${count}&token=${token}`);
}
