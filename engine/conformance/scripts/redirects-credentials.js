// Redirects (followed up to maxRedirects / params.redirects) and URLs with credentials (Basic auth).
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };

export default function () {
  const followed = http.get(`${__ENV.WEB}/redirect?to=/record/landed`);
  const notFollowed = http.get(`${__ENV.WEB}/redirect?to=/record/never`, { redirects: 0 });
  const host = __ENV.WEB.replace('http://', '');
  const authed = http.get(`http://ada:s3cret@${host}/basic`);
  const anonymous = http.get(`${__ENV.WEB}/basic`);
  check(null, {
    'redirect followed': () => followed.status === 200 && followed.url.endsWith('/record/landed'),
    'redirects: 0 stops': () => notFollowed.status === 302,
    'credentials sent': () => authed.status === 200 && authed.body === 'welcome',
    'no credentials, 401': () => anonymous.status === 401,
  });
}
