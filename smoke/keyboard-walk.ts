/**
 * A keyboard-only walk of a page, as a user without a mouse makes it: press Tab, again and
 * again, until focus leaves the page. It passes when every visible interactive control was
 * reached, focus was visible on each (its outline or box-shadow differs from its unfocused
 * style), and focus never got stuck (a Tab that leaves focus where it was, or a cycle that
 * never lets it leave the page: WCAG 2.1.1 Keyboard, 2.1.2 No Keyboard Trap, 2.4.7 Focus Visible).
 *
 * Controls: native ones (links, buttons, form fields, summary, iframes, editable regions),
 * elements with a widget role, `onclick` or `tabindex >= 0` — unless disabled, hidden or
 * inert. Two exceptions follow the ARIA practices: the radios of one group are one Tab stop,
 * and the `tabindex="-1"` items of a composite widget (a tablist, toolbar, menu, ...) are
 * reached with arrow keys, not Tab.
 */
import type { Page } from '@playwright/test';

export interface Control { index: number; group: string; shown: string }
export interface FocusStop { id: number; index: number; shown: string; isBody: boolean; focusVisible: boolean }

/** In the page: lists the controls, remembering each one's unfocused outline and shadow. */
export function listControls(): Control[] {
  const widgetRoles = ['button', 'link', 'checkbox', 'radio', 'switch', 'tab', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'option', 'textbox', 'searchbox', 'combobox', 'slider', 'spinbutton', 'treeitem', 'gridcell'];
  const composite = '[role=tablist],[role=toolbar],[role=menu],[role=menubar],[role=radiogroup],[role=listbox],[role=grid],[role=tree],[role=treegrid]';
  const native = 'a[href],area[href],button,input:not([type=hidden]),select,textarea,summary,iframe,audio[controls],video[controls],[contenteditable=""],[contenteditable=true]';
  const candidates = document.querySelectorAll<HTMLElement>(`${native},[role],[onclick],[tabindex]`);
  const shown = (el: HTMLElement) => {
    const tag = el.tagName.toLowerCase();
    const type = el instanceof HTMLInputElement ? `[type=${el.type}]` : '';
    const role = el.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : '';
    const labels = (el as HTMLInputElement).labels;
    const name = (el.getAttribute('aria-label') || (labels && labels[0]?.textContent) || el.textContent || el.getAttribute('title') || el.getAttribute('name') || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `<${tag}${el.id ? `#${el.id}` : ''}${type}${role}>${name ? ` "${name}"` : ''}`;
  };
  const controls: HTMLElement[] = [];
  const unfocused = new WeakMap<Element, string[]>();
  const out: Control[] = [];
  for (const el of candidates) {
    if (el === document.body || el === document.documentElement) continue;
    const role = el.getAttribute('role') ?? '';
    const tabindex = el.getAttribute('tabindex');
    const isNative = el.matches(native);
    const interactive = isNative || widgetRoles.includes(role) || el.hasAttribute('onclick') || (tabindex !== null && Number(tabindex) >= 0);
    if (!interactive) continue;
    if (el.matches(':disabled') || el.closest('[inert]')) continue;
    const box = el.getBoundingClientRect();
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) || box.width === 0 || box.height === 0) continue;
    if (tabindex === '-1' && el.parentElement?.closest(composite)) continue;
    const form = (el as HTMLInputElement).form;
    const group = el instanceof HTMLInputElement && el.type === 'radio' && el.name
      ? `radio:${form ? Array.from(document.forms).indexOf(form) : -1}:${el.name}` : `control:${controls.length}`;
    const cs = getComputedStyle(el);
    unfocused.set(el, [cs.outlineStyle, cs.outlineWidth, cs.outlineColor, cs.boxShadow]);
    out.push({ index: controls.length, group, shown: shown(el) });
    controls.push(el);
  }
  Object.assign(window, { __shipcheckControls: controls, __shipcheckUnfocused: unfocused });
  return out;
}

/** In the page: what has focus now, once its focus transitions have run, and whether focus shows on it. */
export async function inspectFocus(): Promise<FocusStop> {
  const w = window as unknown as { __shipcheckControls?: HTMLElement[]; __shipcheckUnfocused?: WeakMap<Element, string[]>; __shipcheckIds?: WeakMap<Element, number>; __shipcheckNextId?: number };
  const ids = (w.__shipcheckIds ??= new WeakMap());
  const el = document.activeElement as HTMLElement | null;
  if (!el || el === document.body || el === document.documentElement) return { id: 0, index: -1, shown: '<body>', isBody: true, focusVisible: false };
  if (!ids.has(el)) { w.__shipcheckNextId = (w.__shipcheckNextId ?? 0) + 1; ids.set(el, w.__shipcheckNextId); }
  getComputedStyle(el).outlineStyle; // starts any focus transition, so getAnimations() sees it
  const finite = el.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity);
  await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
  const cs = getComputedStyle(el);
  const before = w.__shipcheckUnfocused?.get(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 && (!before || before[0] !== cs.outlineStyle || before[1] !== cs.outlineWidth || before[2] !== cs.outlineColor);
  const shadow = cs.boxShadow !== 'none' && (!before || before[3] !== cs.boxShadow);
  const index = (w.__shipcheckControls ?? []).indexOf(el);
  const tag = el.tagName.toLowerCase();
  return { id: ids.get(el)!, index, shown: `<${tag}${el.id ? `#${el.id}` : ''}>`, isBody: false, focusVisible: outline || shadow };
}

export interface WalkResult {
  controls: Control[];
  /** Every stop, in order. */
  stops: FocusStop[];
  /** Where focus got stuck, if it did. */
  trap?: string;
  unreached: Control[];
  /** Controls that showed no focus indicator. */
  invisible: string[];
}

/** Walks `page` (already loaded) with Tab alone until focus leaves it, or gets stuck. */
export async function walkWithTab(page: Page): Promise<WalkResult> {
  const controls = await page.evaluate(listControls);
  const maxPresses = controls.length * 2 + 20;
  const stops: FocusStop[] = [];
  const seen = new Set<number>();
  let previous = await page.evaluate(inspectFocus);
  if (!previous.isBody) { stops.push(previous); seen.add(previous.id); }
  let trap: string | undefined;
  let left = false;
  for (let press = 1; press <= maxPresses && !left && !trap; press++) {
    await page.keyboard.press('Tab');
    const now = await page.evaluate(inspectFocus);
    if (now.isBody) { left = true; break; }
    if (!previous.isBody && now.id === previous.id) trap = `focus stays on ${controls[now.index]?.shown ?? now.shown} when Tab is pressed (press ${press})`;
    else if (seen.has(now.id)) trap = `focus cycles back to ${controls[now.index]?.shown ?? now.shown} (press ${press}) without ever leaving the page`;
    else { stops.push(now); seen.add(now.id); }
    previous = now;
  }
  if (!left && !trap) trap = `focus had not left the page after ${maxPresses} presses of Tab`;
  const reachedGroups = new Set(stops.filter((s) => s.index >= 0).map((s) => controls[s.index]!.group));
  return {
    controls,
    stops,
    ...(trap ? { trap } : {}),
    unreached: controls.filter((c) => !reachedGroups.has(c.group)),
    invisible: stops.filter((s) => s.index >= 0 && !s.focusVisible).map((s) => controls[s.index]!.shown),
  };
}
