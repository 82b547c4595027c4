// Memory: many VUs, each looping one request and a 1 s pause (a think-time-heavy user model).
import http from 'k6/http';

const pause = (s) => new Promise((r) => setTimeout(r, s * 1000));

export const options = {
  scenarios: { users: { executor: 'constant-vus', vus: Number(__ENV.VUS || 10000), duration: __ENV.DURATION || '20s', gracefulStop: '5s' } },
};

export default async function () {
  await http.asyncRequest('GET', __ENV.TARGET);
  await pause(1);
}
