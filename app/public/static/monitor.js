// The monitor page. All values are written with textContent, so nothing the API returns
// (topics included) is ever interpreted as HTML.
import { bindApiKey } from '/static/api-key.js';

const REFRESH_MS = 30_000;
const $ = (id) => document.getElementById(id);
const apiKey = bindApiKey($('api-key'));

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = String(text);
  if (className) e.className = className;
  return e;
}
function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) tr.append(c instanceof Node ? (() => { const td = document.createElement('td'); td.append(c); return td; })() : el('td', c));
  return tr;
}
function facts(target, entries) {
  target.replaceChildren(...entries.map(([k, v]) => { const d = el('div', undefined, 'card'); d.append(el('dt', k), el('dd', v)); return d; }));
}
const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;
const pct = (n) => (n === null || n === undefined ? '—' : `${(n * 100).toFixed(1)} %`);

async function getJson(path, auth) {
  const headers = auth && apiKey() ? { authorization: `Bearer ${apiKey()}` } : {};
  const res = await fetch(path, { headers });
  const body = await res.json().catch(() => ({}));
  return { ok: res.ok, status: res.status, body };
}

async function refresh() {
  const errors = [];
  const health = await getJson('/api/v1/health/detailed').catch((e) => ({ ok: false, status: 0, body: { message: e.message } }));
  if (health.body.checks) {
    const h = health.body;
    const overall = $('overall-status');
    overall.textContent = h.status;
    overall.className = h.status;
    $('checks').replaceChildren(...Object.entries(h.checks).map(([name, c]) =>
      row([name.replaceAll('_', ' '), el('span', c.status, c.status), c.message, `${c.latency_ms} ms`])));
    facts($('resources'), [
      ['Uptime', `${h.uptime_s} s`], ['Resident memory', mb(h.process.rss_bytes)], ['Heap used', mb(h.process.heap_used_bytes)],
      ['CPU user', `${(h.process.cpu_user_us / 1e6).toFixed(1)} s`], ['Node.js', h.process.node], ['Version', h.version],
    ]);
  } else errors.push(`health: ${health.body.message ?? health.status}`);

  const hint = apiKey() ? '' : ' Enter an API key to see request and educational metrics.';
  if (apiKey()) {
    const [m, edu, latest] = await Promise.all([getJson('/api/v1/metrics', true), getJson('/api/v1/metrics/educational', true), getJson('/api/v1/content?limit=5', true)]);
    if (m.ok) {
      const b = m.body;
      facts($('requests'), [
        ['Requests', b.requests.total], ['Per second (average)', b.requests.per_second], ['Latency p50', `${b.latency_ms.p50} ms`],
        ['Latency p95', `${b.latency_ms.p95} ms`], ['Latency p99', `${b.latency_ms.p99} ms`], ['Client errors (4xx)', pct(b.error_rates.client_4xx)],
        ['Server errors (5xx)', pct(b.error_rates.server_5xx)], ['Event loop delay p99', `${b.process.event_loop_delay_p99_ms} ms`],
        ['DB pool (total / idle / waiting)', `${b.process.db_pool.total} / ${b.process.db_pool.idle} / ${b.process.db_pool.waiting}`],
      ]);
    } else errors.push(`metrics: ${m.body.message ?? m.status}`);
    if (edu.ok) {
      const e = edu.body;
      facts($('generation'), [
        ['Attempts', e.generation.attempts], ['Success rate', pct(e.generation.success_rate)], ['Failed', e.generation.failed],
        ['Rejected by circuit breaker', e.generation.rejected_by_breaker], ['Duration p50', `${e.generation.duration_ms.p50} ms`], ['Duration p95', `${e.generation.duration_ms.p95} ms`],
      ]);
      facts($('edu-summary'), [
        ['Stored items', e.total_content], ['Average overall quality', e.quality.averages.overall.toFixed(3)],
        ['Average educational effectiveness', e.quality.averages.educational.toFixed(3)], ['Average factual accuracy', e.quality.averages.factual.toFixed(3)],
        ['Meeting all thresholds', pct(e.quality.pass_rate)],
      ]);
      $('distribution').replaceChildren(...e.quality.distribution.map((d) => row([d.range, d.count])));
      $('types').replaceChildren(...e.content_types.map((t) => row([t.content_type.replaceAll('_', ' '), t.count, pct(t.share)])));
    } else errors.push(`educational metrics: ${edu.body.message ?? edu.status}`);
    if (latest.ok) $('latest').replaceChildren(...latest.body.items.map((c) => row([c.id, c.topic, c.content_type.replaceAll('_', ' '), c.quality_score.toFixed(2)])));
  }
  const box = $('error');
  box.hidden = errors.length === 0;
  box.textContent = errors.join(' ');
  // A status line, not an alert: it changes every refresh and should not interrupt.
  $('updated').textContent = `Updated at ${new Date().toLocaleTimeString()}.${hint}`;
}

$('key-form').addEventListener('submit', (event) => { event.preventDefault(); refresh(); });
refresh();
setInterval(refresh, REFRESH_MS);
