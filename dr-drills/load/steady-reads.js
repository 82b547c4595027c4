/*
 * steady-reads — the background load a drill keeps on the API while it breaks something.
 *
 * Shape: a constant arrival rate of content reads (by id and the first page of the list),
 * spread over the API key pool the way distinct users would be, for DURATION. Open model:
 * iterations start on schedule even while the API is down, so an outage shows as failed
 * requests, not as a pause. No thresholds: the drill judges the outcome, this only loads.
 * Env: BASE_URL, API_KEYS (comma-separated), RATE (per second), DURATION (e.g. "20s").
 */
import http from 'k6/http';

const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:3000';
const KEYS = (__ENV.API_KEYS || '').split(',').filter(Boolean);
const IDS = Number(__ENV.MAX_ID || 1000);

export const options = {
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 20),
      timeUnit: '1s',
      duration: __ENV.DURATION || '20s',
      preAllocatedVUs: Number(__ENV.VUS || 5),
      maxVUs: Number(__ENV.VUS || 5) * 4,
    },
  },
};

export default async function () {
  const key = KEYS[(__VU + __ITER) % Math.max(1, KEYS.length)];
  const params = { headers: { authorization: `Bearer ${key}` }, timeout: '5s', tags: { name: 'content read' } };
  const id = 1 + ((__VU * 7919 + __ITER * 104729) % IDS);
  if (__ITER % 4 === 0) await http.asyncRequest('GET', `${BASE_URL}/api/v1/content?limit=10`, null, { ...params, tags: { name: 'content list' } });
  else await http.asyncRequest('GET', `${BASE_URL}/api/v1/content/${id}`, null, params);
}
