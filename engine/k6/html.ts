/**
 * k6/html on cheerio: parseHTML(src) → a Selection with jQuery-like methods, as k6's
 * (goquery-based) module has them. each() and map() callbacks get (index, Element).
 */
import * as cheerio from 'cheerio';
import type { AnyNode, Element as DomElement } from 'domhandler';

type Cheerio = cheerio.Cheerio<AnyNode>;

export class Element {
  constructor(private readonly $: cheerio.CheerioAPI, private readonly node: AnyNode) {}
  nodeName(): string { return ((this.node as DomElement).name ?? this.node.type ?? '').toLowerCase(); }
  textContent(): string { return this.$(this.node).text(); }
  innerHTML(): string { return this.$(this.node).html() ?? ''; }
  id(): string { return this.getAttribute('id') ?? ''; }
  getAttribute(name: string): string | undefined { return (this.node as DomElement).attribs?.[name]; }
  hasAttribute(name: string): boolean { return this.getAttribute(name) !== undefined; }
  attributes(): Record<string, { name: string; value: string }> {
    const out: Record<string, { name: string; value: string }> = {};
    for (const [k, v] of Object.entries((this.node as DomElement).attribs ?? {})) out[k] = { name: k, value: v };
    return out;
  }
  selection(): Selection { return new Selection(this.$, this.$(this.node)); }
}

export class Selection {
  constructor(private readonly $: cheerio.CheerioAPI, private readonly sel: Cheerio) {}
  private wrap(s: Cheerio): Selection { return new Selection(this.$, s); }
  attr(name: string, def?: string): string | undefined { return this.sel.attr(name) ?? def; }
  children(s?: string): Selection { return this.wrap(s ? this.sel.children(s) : this.sel.children()); }
  closest(s: string): Selection { return this.wrap(this.sel.closest(s)); }
  contents(): Selection { return this.wrap(this.sel.contents()); }
  data(key?: string): unknown { return key === undefined ? this.sel.data() : this.sel.data(key); }
  each(fn: (i: number, el: Element) => unknown): Selection { this.sel.each((i, n) => { fn(i, new Element(this.$, n)); }); return this; }
  eq(i: number): Selection { return this.wrap(this.sel.eq(i)); }
  filter(s: string): Selection { return this.wrap(this.sel.filter(s)); }
  find(s: string): Selection { return this.wrap(this.sel.find(s)); }
  first(): Selection { return this.wrap(this.sel.first()); }
  get(i: number): Element | undefined { const n = this.sel.get(i); return n ? new Element(this.$, n) : undefined; }
  has(s: string): Selection { return this.wrap(this.sel.has(s) as Cheerio); }
  html(): string | undefined { return this.sel.html() ?? undefined; }
  is(s: string): boolean { return this.sel.is(s); }
  last(): Selection { return this.wrap(this.sel.last()); }
  map<T>(fn: (i: number, el: Element) => T): T[] { return this.sel.toArray().map((n, i) => fn(i, new Element(this.$, n))); }
  next(s?: string): Selection { return this.wrap(this.sel.next(s)); }
  nextAll(s?: string): Selection { return this.wrap(this.sel.nextAll(s)); }
  parent(s?: string): Selection { return this.wrap(this.sel.parent(s)); }
  parents(s?: string): Selection { return this.wrap(this.sel.parents(s)); }
  prev(s?: string): Selection { return this.wrap(this.sel.prev(s)); }
  prevAll(s?: string): Selection { return this.wrap(this.sel.prevAll(s)); }
  serialize(): string { return this.sel.serialize(); }
  serializeArray(): Array<{ name: string; value: string }> { return this.sel.serializeArray(); }
  serializeObject(): Record<string, string> { const o: Record<string, string> = {}; for (const { name, value } of this.serializeArray()) o[name] = value; return o; }
  size(): number { return this.sel.length; }
  get length(): number { return this.sel.length; }
  slice(a: number, b?: number): Selection { return this.wrap(this.sel.slice(a, b)); }
  text(): string { return this.sel.text(); }
  toArray(): Selection[] { return this.sel.toArray().map((n) => this.wrap(this.$(n))); }
  val(): string | string[] | undefined { return this.sel.val(); }
}

export function parseHTML(src: string): Selection {
  const $ = cheerio.load(String(src ?? ''));
  return new Selection($, $.root() as unknown as Cheerio);
}

export default { parseHTML };
