// A crossed threshold: exit code 99, and its `ok` false in the summary.
import http from 'k6/http';

export const options = { iterations: 2, thresholds: { http_reqs: ['count>100'], iterations: ['count==2'] } };

export default function () {
  http.get(`${__ENV.BASE}/record/crossed`);
}
