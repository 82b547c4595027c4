// k6/html: parseHTML, res.html() selections, res.submitForm() and res.clickLink() (k6 docs: "HTML").
import http from 'k6/http';
import { check } from 'k6';
import { parseHTML } from 'k6/html';

export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };

export default function () {
  const page = http.get(`${__ENV.WEB}/form`);
  const doc = parseHTML(page.body);
  check(doc, {
    'title text': (d) => d.find('h1.title').text() === 'Sign in',
    'hidden field': (d) => d.find('input[name=csrf]').attr('value') === 'tok-123',
    'two links': (d) => d.find('a.nav').size() === 2,
    'each link': (d) => d.find('a.nav').map((i, el) => el.getAttribute('href')).join(',') === '/record/page/one,/record/page/two',
  });
  check(page.html('form').attr('id'), { 'res.html(selector)': (id) => id === 'login' });
  const sent = page.submitForm({ formSelector: '#login', fields: { user: 'ada', password: 'pw' } });
  check(sent, { 'form posted': (r) => r.status === 200 && r.url.endsWith('/login') });
  const clicked = page.clickLink({ selector: 'a.nav:nth-of-type(1)' });
  check(clicked, { 'link followed': (r) => r.status === 200 });
}
