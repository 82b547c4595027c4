// http.file() in a body object sends multipart/form-data (k6 docs: "Multipart requests").
import http from 'k6/http';
import { check } from 'k6';

const logo = open('./data/users.json', 'b');

export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };

export default function () {
  const res = http.post(`${__ENV.WEB}/record/upload`, { title: 'users', file: http.file(logo, 'users.json', 'application/json') });
  check(res, { uploaded: (r) => r.status === 200 });
}
