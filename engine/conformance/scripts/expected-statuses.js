// Expected statuses: setResponseCallback and per-request responseCallback decide http_req_failed.
import http from 'k6/http';

http.setResponseCallback(http.expectedStatuses(200, 404));

export const options = { iterations: 1 };

export default function () {
  http.get(`${__ENV.BASE}/x?status=200`);
  http.get(`${__ENV.BASE}/x?status=404`);
  http.get(`${__ENV.BASE}/x?status=500`);
  http.get(`${__ENV.BASE}/x?status=500`, { responseCallback: http.expectedStatuses({ min: 500, max: 599 }) });
}
