/**
 * The report page's only script: decodes the embedded chart data (gzip + base64, through
 * the browser's DecompressionStream: no network, no library) and draws the time-series
 * charts with uPlot. Dragging across a chart, or the From/To fields, zooms every chart to
 * that range; double-click or Reset returns to the whole run. Scenario boundaries are dashed
 * lines. Charts redraw on theme change, resize and before printing.
 */
import uPlot from 'uplot';
// The shapes the generator embeds; type-only imports, erased when the page is bundled.
import type { AxisUnit, ChartPayload, ChartSpec } from '../charts.ts';

type ChartData = ChartPayload;

declare global {
  interface Window { shipcheckCharts?: uPlot[]; shipcheckChartsDrawnAt?: number }
}

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

const fmtSec = (s: number) => (s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}` : s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}` : `${Math.round(s)}s`);
const fmtMs = (v: number) => (v >= 1000 ? `${+(v / 1000).toFixed(2)} s` : `${+v.toFixed(v >= 100 ? 0 : 1)} ms`);
const fmtNum = (v: number) => (Math.abs(v) >= 1000 ? `${+(v / 1000).toFixed(1)}k` : `${+v.toFixed(2)}`);
const fmtBytes = (v: number) => (v >= 1e6 ? `${+(v / 1e6).toFixed(1)} MB/s` : v >= 1e3 ? `${+(v / 1e3).toFixed(1)} kB/s` : `${v.toFixed(0)} B/s`);
const fmtPct = (v: number) => `${+v.toFixed(2)} %`;
const FORMAT: Record<AxisUnit, (v: number) => string> = { ms: fmtMs, perSecond: (v) => `${fmtNum(v)}/s`, pct: fmtPct, bytesPerSecond: fmtBytes, count: fmtNum };

async function decode(): Promise<ChartData | undefined> {
  const el = document.getElementById('shipcheck-data');
  const text = el?.textContent?.trim();
  if (!text) return undefined;
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return JSON.parse(await new Response(stream).text()) as ChartData;
}

/** Dashed vertical lines where scenarios start and end, labelled with the scenario's name. */
function scenarioMarks(d: ChartData): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        if (d.scenarios.length === 0) return;
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = css('--muted');
        ctx.fillStyle = css('--fg');
        ctx.setLineDash([4, 4]);
        ctx.lineWidth = devicePixelRatio;
        ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
        // uPlot leaves the axes' alignment on the context: labels start right of their line.
        ctx.textAlign = 'left';
        ctx.textBaseline = 'alphabetic';
        const { top, height } = u.bbox;
        d.scenarios.forEach((s, row) => {
          for (const [sec, label] of [[s.start, `▶ ${s.name}`], [s.end, '']] as Array<[number | undefined, string]>) {
            if (sec === undefined) continue;
            const x = Math.round(u.valToPos(sec, 'x', true));
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + height);
            ctx.stroke();
            // One row per scenario, so labels of scenarios that start together never overlap.
            if (label) ctx.fillText(label, x + 4 * devicePixelRatio, top + (12 + row * 13) * devicePixelRatio);
          }
        });
        ctx.restore();
      },
    },
  };
}

let charts: uPlot[] = [];
let syncing = false;

function setRange(min: number | null, max: number | null, data: ChartData) {
  const lo = min ?? data.t[0]!;
  const hi = max ?? data.t[data.t.length - 1]!;
  syncing = true;
  for (const c of charts) c.setScale('x', { min: lo, max: hi });
  syncing = false;
  const from = document.getElementById('range-from') as HTMLInputElement | null;
  const to = document.getElementById('range-to') as HTMLInputElement | null;
  if (from && to) { from.value = String(Math.round(lo)); to.value = String(Math.round(hi)); }
}

function widthOf(el: HTMLElement): number {
  return Math.max(280, Math.floor(el.getBoundingClientRect().width || 800));
}

/** The x axis's tick labels: seconds since start, or a history's run ids. */
function xValue(d: ChartData, v: number): string {
  if (d.xKind === 'runs') return d.xLabels?.[Math.round(v)] ?? '';
  return fmtSec(v);
}

function optionsFor(d: ChartData, def: ChartSpec, el: HTMLElement): uPlot.Options {
  const grid = { stroke: css('--grid'), width: 1 };
  const axisColor = css('--fg');
  const unit = FORMAT[def.unit];
  return {
    width: widthOf(el),
    height: 220,
    cursor: { sync: { key: 'shipcheck' }, drag: { x: true, y: false, setScale: true } },
    scales: { x: { time: false }, y: { range: (_u, min, max) => [Math.min(0, min), max > min ? max * 1.08 : max + 1] } },
    legend: { live: true },
    plugins: d.xKind === 'seconds' ? [scenarioMarks(d)] : [],
    series: [
      { label: d.xKind === 'runs' ? 'Run' : 'Time', value: (_u, v) => (v == null ? '—' : xValue(d, v)) },
      ...def.series.map((s) => ({
        label: s.label, scale: 'y', stroke: css(s.color), width: s.kind === 'data' ? 1.5 : 1.25,
        dash: s.kind === 'limit' ? [8, 4] : s.kind === 'baseline' ? [3, 3] : undefined,
        spanGaps: false, points: { show: d.xKind === 'runs' },
        value: (_u: uPlot, v: number | null) => (v == null ? '—' : unit(v)),
      })),
    ],
    axes: [
      // Whole steps only: buckets are seconds (or runs), and fractional ticks would print as repeated labels.
      { label: d.xTitle, labelSize: 20, stroke: axisColor, grid, ticks: grid, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200], values: (_u, splits) => splits.map((v) => xValue(d, v)) },
      { label: def.yTitle, labelSize: 20, scale: 'y', side: 3, stroke: axisColor, grid, ticks: grid, size: 84, values: (_u: uPlot, splits: number[]) => splits.map(unit) },
    ],
    hooks: {
      setScale: [(u: uPlot, key: string) => {
        if (key !== 'x' || syncing) return;
        const { min, max } = u.scales.x;
        if (min != null && max != null) setRange(min, max, d);
      }],
    },
  };
}

function draw(d: ChartData) {
  for (const c of charts) c.destroy();
  charts = [];
  for (const def of d.charts) {
    const el = document.getElementById(def.id);
    if (!el || def.series.length === 0) continue;
    el.textContent = '';
    const data: uPlot.AlignedData = [d.t, ...def.series.map((s) => s.values)] as uPlot.AlignedData;
    charts.push(new uPlot(optionsFor(d, def, el), data, el));
  }
  window.shipcheckCharts = charts;
  window.shipcheckChartsDrawnAt ??= performance.now();
  document.documentElement.setAttribute('data-charts', 'drawn');
}

function wireRangeForm(d: ChartData) {
  const form = document.getElementById('range-form') as HTMLFormElement | null;
  if (!form) return;
  const from = document.getElementById('range-from') as HTMLInputElement;
  const to = document.getElementById('range-to') as HTMLInputElement;
  from.value = String(d.t[0]);
  to.value = String(d.t[d.t.length - 1]);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const lo = Number(from.value);
    const hi = Number(to.value);
    if (Number.isFinite(lo) && Number.isFinite(hi) && hi > lo) setRange(lo, hi, d);
  });
  document.getElementById('range-reset')?.addEventListener('click', () => setRange(null, null, d));
}

async function main() {
  const root = document.getElementById('charts');
  if (!root) return;
  let d: ChartData | undefined;
  try {
    d = await decode();
  } catch (e) {
    root.insertAdjacentHTML('afterbegin', '<p class="note">The chart data could not be decoded in this browser (it needs DecompressionStream). The tables hold every figure.</p>');
    document.documentElement.setAttribute('data-charts', 'failed');
    return;
  }
  if (!d) return;
  const data = d;
  draw(data);
  wireRangeForm(data);
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => draw(data));
  let pending = 0;
  new ResizeObserver(() => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      for (const c of charts) c.setSize({ width: widthOf(c.root.parentElement as HTMLElement), height: 220 });
    });
  }).observe(root);
  // Printed pages are narrower than most screens: fit the charts to the page, then restore.
  addEventListener('beforeprint', () => { for (const c of charts) c.setSize({ width: 640, height: 200 }); });
  addEventListener('afterprint', () => { for (const c of charts) c.setSize({ width: widthOf(c.root.parentElement as HTMLElement), height: 220 }); });
}

void main();
