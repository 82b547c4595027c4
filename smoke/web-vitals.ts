/**
 * Web vitals as Chromium reports them through the Performance APIs: First Contentful Paint
 * (the `paint` entry), Largest Contentful Paint (the last `largest-contentful-paint`
 * candidate), Cumulative Layout Shift (the largest session window of `layout-shift` entries
 * without recent input: gaps under 1 s, windows up to 5 s, as Core Web Vitals defines it) and
 * the load event's end. Times are ms from the start of navigation.
 *
 * Both functions run inside the page (page.addInitScript / page.evaluate), so they are
 * self-contained: no imports, no closures.
 */

/** The test attachment holding one page's SmokeVitals; the smoke reporter folds them into smoke.json. */
export const VITALS_ATTACHMENT = 'shipcheck-vitals';

export interface ObservedVitals { fcpMs: number | null; lcpMs: number | null; cls: number; loadMs: number | null }

/** Before the page's own scripts: start observing, so no entry is missed. */
export function observeVitals(): void {
  type Shift = PerformanceEntry & { value: number; hadRecentInput: boolean };
  const state = { fcp: null as number | null, lcp: null as number | null, shifts: [] as Array<{ t: number; v: number }>, observers: [] as PerformanceObserver[] };
  const take = (list: PerformanceEntryList) => {
    for (const e of list) {
      if (e.entryType === 'paint' && e.name === 'first-contentful-paint') state.fcp = e.startTime;
      else if (e.entryType === 'largest-contentful-paint') state.lcp = e.startTime;
      else if (e.entryType === 'layout-shift' && !(e as Shift).hadRecentInput) state.shifts.push({ t: e.startTime, v: (e as Shift).value });
    }
  };
  for (const type of ['paint', 'largest-contentful-paint', 'layout-shift']) {
    try {
      const o = new PerformanceObserver((l) => take(l.getEntries()));
      o.observe({ type, buffered: true });
      state.observers.push(o);
    } catch { /* an entry type this browser does not report stays null */ }
  }
  (window as unknown as { __shipcheckVitals: unknown }).__shipcheckVitals = { state, take };
}

/**
 * After the load event: waits for the first contentful paint to be reported (it lands a frame
 * or two after the paint; a page that never paints content gives up after 120 frames), then
 * flushes the observers and reads every value.
 */
export async function readVitals(): Promise<ObservedVitals> {
  type Handle = { state: { fcp: number | null; lcp: number | null; shifts: Array<{ t: number; v: number }>; observers: PerformanceObserver[] }; take: (l: PerformanceEntryList) => void };
  const h = (window as unknown as { __shipcheckVitals?: Handle }).__shipcheckVitals;
  if (!h) throw new Error('the vitals observer was not installed before the page loaded');
  const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
  for (let i = 0; i < 120 && h.state.fcp === null; i++) {
    await frame();
    for (const o of h.state.observers) h.take(o.takeRecords());
  }
  // Two more frames, so the largest-contentful-paint candidate of that paint is reported too.
  await frame();
  await frame();
  for (const o of h.state.observers) h.take(o.takeRecords());

  let cls = 0;
  let session = 0;
  let first = 0;
  let last = 0;
  for (const s of h.state.shifts) {
    if (session > 0 && s.t - last < 1000 && s.t - first < 5000) session += s.v;
    else { session = s.v; first = s.t; }
    last = s.t;
    cls = Math.max(cls, session);
  }
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  const round = (v: number | null) => (v === null ? null : Math.round(v));
  return { fcpMs: round(h.state.fcp), lcpMs: round(h.state.lcp), cls: Math.round(cls * 1000) / 1000, loadMs: nav && nav.loadEventEnd > 0 ? Math.round(nav.loadEventEnd) : null };
}
