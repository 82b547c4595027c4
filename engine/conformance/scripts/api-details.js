// console in k6's log format and levels, k6/execution, params.timeout, responseType and
// discardResponseBodies, as k6's documentation describes them.
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';

export const options = {
  scenarios: { details: { executor: 'per-vu-iterations', vus: 2, iterations: 2 } },
  discardResponseBodies: true,
};

export default function () {
  console.log('hello from VU', __VU, 'iteration', exec.vu.iterationInScenario);
  console.warn('careful');
  console.debug('shown only at debug level');
  const discarded = http.get(`${__ENV.BASE}/record/discarded`);
  const kept = http.get(`${__ENV.BASE}/record/kept`, { responseType: 'text' });
  // The server answers after 2 s; the request gives up after 200 ms, as k6 does (error 1050).
  const slow = http.get(`${__ENV.BASE}/record/slow?delay=2000`, { timeout: '200ms' });
  check(null, {
    'discardResponseBodies leaves body null': () => discarded.body === null && discarded.status === 200,
    'responseType text keeps this body': () => typeof kept.body === 'string' && kept.body.includes('"ok":true'),
    'params.timeout gives status 0 and error 1050': () => slow.status === 0 && slow.error_code === 1050 && slow.error === 'request timeout',
    'scenario name and executor': () => exec.scenario.name === 'details' && exec.scenario.executor === 'per-vu-iterations',
    'vu.idInTest is __VU': () => exec.vu.idInTest === __VU,
    'test.options is the script options': () => exec.test.options.discardResponseBodies === true,
  });
  http.get(`${__ENV.BASE}/record/exec?vu=${exec.vu.idInTest}&iter=${exec.vu.iterationInScenario}&inInstance=${exec.vu.iterationInInstance}&inTest=${exec.scenario.iterationInTest}`);
}
