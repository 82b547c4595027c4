// The common jslib modules k6 scripts import from jslib.k6.io, resolved locally.
import http from 'k6/http';
import { check } from 'k6';
import { randomIntBetween, randomItem, uuidv4, findBetween } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';
import { textSummary } from 'https://jslib.k6.io/k6-summary/0.0.2/index.js';

export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };

export default function () {
  const n = randomIntBetween(1, 3);
  http.get(`${__ENV.BASE}/record/jslib?n=${n}`);
  check(null, {
    'randomIntBetween in range': () => n >= 1 && n <= 3,
    'randomItem picks one': () => ['x', 'y'].includes(randomItem(['x', 'y'])),
    'uuidv4 shape': () => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuidv4()),
    'findBetween': () => findBetween('<b>hi</b>', '<b>', '</b>') === 'hi',
  });
}

export function handleSummary(data) {
  return { stdout: textSummary(data, { indent: ' ', enableColors: false }) };
}
