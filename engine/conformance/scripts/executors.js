// All six executors, each running its own exec function (k6 docs: "Scenarios", "Executors").
import http from 'k6/http';
import exec from 'k6/execution';
import { sleep } from 'k6';

export const options = {
  scenarios: {
    shared: { executor: 'shared-iterations', vus: 2, iterations: 5, exec: 'shared' },
    pervu: { executor: 'per-vu-iterations', vus: 2, iterations: 3, exec: 'pervu' },
    constant: { executor: 'constant-vus', vus: 2, duration: '1s', exec: 'constant', gracefulStop: '5s' },
    ramping: { executor: 'ramping-vus', startVUs: 1, stages: [{ duration: '1s', target: 2 }], exec: 'ramping', gracefulRampDown: '5s', gracefulStop: '5s' },
    arrival: { executor: 'constant-arrival-rate', rate: 4, timeUnit: '1s', duration: '1s', preAllocatedVUs: 2, exec: 'arrival' },
    rampingArrival: { executor: 'ramping-arrival-rate', startRate: 2, timeUnit: '1s', preAllocatedVUs: 2, stages: [{ duration: '1s', target: 2 }], exec: 'rampingArrival' },
  },
};

function hit(fn) {
  http.get(`${__ENV.BASE}/record/${fn}?scenario=${exec.scenario.name}&vu=${__VU}&iter=${exec.vu.iterationInScenario}`);
}

export function shared() { hit('shared'); }
export function pervu() { hit('pervu'); }
export function constant() { hit('constant'); sleep(0.2); }
export function ramping() { hit('ramping'); sleep(0.2); }
export function arrival() { hit('arrival'); }
export function rampingArrival() { hit('rampingArrival'); }
