// SharedArray from open() in the init context (k6 docs: "Data parameterization").
import http from 'k6/http';
import { SharedArray } from 'k6/data';

const users = new SharedArray('users', function () {
  return JSON.parse(open('./data/users.json')).users;
});

export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 3 } } };

export default function () {
  const user = users[(__VU - 1 + __ITER) % users.length];
  http.get(`${__ENV.BASE}/record/user?vu=${__VU}&iter=${__ITER}&name=${user.name}&n=${users.length}`);
}
