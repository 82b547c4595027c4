/** k6/metrics: custom Counter, Gauge, Rate and Trend, defined in the init context as in k6. */
import { runtime } from '../runtime.ts';
import { currentVu } from '../vu.ts';
import type { MetricDef, Tags } from '../metrics/types.ts';
import type { K6MetricType } from '../../harness/result-types.ts';

class Metric {
  readonly name: string;
  private readonly def: MetricDef;

  constructor(name: string, type: K6MetricType, isTime = false) {
    const rt = runtime();
    if (!rt.initContext) throw new Error(`new metric "${name}": k6 lets you create metrics only in the init context (the top level of the script).`);
    this.name = name;
    this.def = rt.registry.define(name, type, type === 'trend' && isTime ? 'time' : 'default');
  }

  add(value: number | boolean, tags?: Record<string, string>): boolean {
    const rt = runtime();
    const vu = currentVu();
    if (vu.interrupted) return false;
    let v: number;
    if (typeof value === 'boolean') v = value ? 1 : 0;
    else v = Number(value);
    if (Number.isNaN(v)) throw new Error(`${this.name}.add(${String(value)}): the value is not a number.`);
    let t: Tags = vu.sampleTags;
    if (tags) {
      t = { ...t };
      for (const k in tags) t[k] = String(tags[k]);
    }
    rt.emit(this.def, v, t, Date.now());
    return true;
  }
}

export class Counter extends Metric { constructor(name: string) { super(name, 'counter'); } }
export class Gauge extends Metric { constructor(name: string) { super(name, 'gauge'); } }
export class Rate extends Metric { constructor(name: string) { super(name, 'rate'); } }
export class Trend extends Metric { constructor(name: string, isTime = false) { super(name, 'trend', isTime); } }

export default { Counter, Gauge, Rate, Trend };
