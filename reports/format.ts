/** How numbers read in every report output: one place, so HTML, JUnit and Markdown agree. */
import type { Unit } from './model.ts';

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function fmtMs(ms: number): string {
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(1)} min`;
  // Whole seconds read as 3 s, not 3.00 s; others keep two decimals.
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(2))} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtCount(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function fmtPct(p: number): string {
  return `${Math.abs(p) >= 10 || p === 0 ? p.toFixed(1) : p.toFixed(2)} %`;
}

/** Binary units, as memory budgets are written (512 MiB). */
export function fmtBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = n;
  while (Math.abs(x) >= 1024 && i < units.length - 1) { x /= 1024; i++; }
  return `${i === 0 ? x.toFixed(0) : Number.isInteger(x) ? x.toFixed(0) : x.toFixed(1)} ${units[i]}`;
}

export function fmtValue(v: number | undefined, unit: Unit): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  switch (unit) {
    case 'ms': return fmtMs(v);
    case 'ratio': return fmtPct(v * 100);
    case 'pct': return fmtPct(v);
    case 'bytes': return fmtBytes(v);
    case 'perSecond': return `${fmtCount(Math.round(v * 10) / 10)}/s`;
    case 'count': return fmtCount(Math.round(v * 100) / 100);
    case 'plain': return fmtCount(Math.round(v * 1000) / 1000);
  }
}

/** A signed difference in the value's unit ("+12 ms", "−1.5 points" for percentages). */
export function fmtDelta(d: number | undefined, unit: Unit): string {
  if (d === undefined || !Number.isFinite(d)) return '—';
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  if (unit === 'pct') return `${sign}${Math.abs(d).toFixed(2)} points`;
  if (unit === 'ratio') return `${sign}${(Math.abs(d) * 100).toFixed(2)} points`;
  return `${sign}${fmtValue(Math.abs(d), unit)}`;
}

export function fmtSeconds(s: number): string {
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${s.toFixed(s % 1 ? 1 : 0)} s`;
}

/** A duration as people say it: "81 s", "6 min 52 s", "4 h", "1 h 30 min". */
export function fmtDuration(s: number): string {
  if (!Number.isFinite(s)) return '—';
  if (s < 60) return `${Number(s.toFixed(s < 10 ? 1 : 0))} s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  if (h > 0) return m ? `${h} h ${m} min` : `${h} h`;
  return sec ? `${m} min ${sec} s` : `${m} min`;
}

/** Seconds written into a sentence ("RTO ≤ 14400 s") read in human units ("RTO ≤ 4 h"). */
export function humanizeSeconds(text: string): string {
  return text.replace(/(\d+(?:\.\d+)?)\s?s\b/g, (whole, n: string) => (Number(n) >= 60 ? fmtDuration(Number(n)) : whole));
}
