// The per-VU cookie jar (k6 docs: "Cookies"): response cookies, redirects included, go back on
// later requests of the same VU; params.cookies adds or replaces; jar.set/cookiesForURL/clear/delete.
import http from 'k6/http';
import { check } from 'k6';

export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 1 } }, thresholds: { checks: ['rate==1'] } };

export default function () {
  const base = __ENV.WEB;
  http.get(`${base}/set-cookie?name=session&value=vu${__VU}`);
  http.get(`${base}/record/with-jar?vu=${__VU}`);
  http.get(`${base}/redirect-with-cookie?vu=${__VU}`);
  http.get(`${base}/record/after-redirect?vu=${__VU}`, { cookies: { extra: 'e1', session: { value: 'replaced', replace: true } } });
  const jar = http.cookieJar();
  jar.set(base, 'manual', 'm1');
  const seen = jar.cookiesForURL(`${base}/`);
  check(seen, {
    'jar has the session': (c) => c.session[0] === `vu${__VU}`,
    'jar has the hop cookie': (c) => c.hop[0] === '1',
    'jar has the manual cookie': (c) => c.manual[0] === 'm1',
    'path-scoped cookie not sent to /': (c) => c.other === undefined,
  });
  jar.delete(base, 'manual');
  http.get(`${base}/record/after-delete?vu=${__VU}`);
  jar.clear(base);
  http.get(`${base}/record/after-clear?vu=${__VU}`);
  const own = new http.CookieJar();
  own.set(base, 'own', 'o1');
  http.get(`${base}/record/own-jar?vu=${__VU}`, { jar: own });
}
