// Memory, classic k6 style: many VUs, each looping one sync request and sleep(1). Sync mode:
// each VU has its own JavaScript realm.
import http from 'k6/http';
import { sleep } from 'k6';

export const options = {
  scenarios: { users: { executor: 'constant-vus', vus: Number(__ENV.VUS || 10000), duration: __ENV.DURATION || '20s', gracefulStop: '5s' } },
};

export default function () {
  http.get(__ENV.TARGET);
  sleep(1);
}
