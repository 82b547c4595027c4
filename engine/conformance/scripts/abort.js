// exec.test.abort() ends the test with exit code 108; teardown still runs.
import http from 'k6/http';
import exec from 'k6/execution';

export const options = { iterations: 10 };

export default function () {
  http.get(`${__ENV.BASE}/record/abort-iter`);
  exec.test.abort('enough');
}

export function teardown() { http.get(`${__ENV.BASE}/record/abort-teardown`); }
