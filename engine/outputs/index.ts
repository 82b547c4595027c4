/**
 * `--out` specs to outputs: `json=FILE`, `csv=FILE`, `experimental-prometheus-rw`,
 * `experimental-opentelemetry` (also as `opentelemetry`, its name since k6 v1), any number
 * at once, each configured from the process environment by k6's variable names.
 */
import { fail } from '../../harness/errors.ts';
import { JsonOutput } from '../json-output.ts';
import { csvOutput } from './csv.ts';
import { prometheusRwOutput } from './prometheus-rw.ts';
import type { Output, OutputContext, OutputSpec } from './types.ts';

export type { Output, OutputContext, OutputSpec };

export const OUTPUT_TYPES = ['json', 'csv', 'experimental-prometheus-rw', 'experimental-opentelemetry', 'opentelemetry'] as const;
const NEEDS_FILE = new Set(['json', 'csv']);

/** "csv=out.csv" → {type: "csv", arg: "out.csv"}; unknown names and missing files are refused with the fix. */
export function parseOutputSpec(value: string): OutputSpec {
  const eq = value.indexOf('=');
  const type = eq < 0 ? value : value.slice(0, eq);
  const arg = eq < 0 ? undefined : value.slice(eq + 1);
  if (!(OUTPUT_TYPES as readonly string[]).includes(type)) {
    throw fail('SHIPCHECK_ERR_OUTPUT_SPEC', { value, reason: `"${type}" is not an output the Node engine has (it has ${OUTPUT_TYPES.join(', ')})` });
  }
  if (NEEDS_FILE.has(type) && !arg) throw fail('SHIPCHECK_ERR_OUTPUT_SPEC', { value, reason: `the ${type} output needs a file: ${type}=FILE` });
  return arg === undefined ? { type } : { type, arg };
}

/** Whether an `--out` value names a k6 output (`csv=x`, `experimental-prometheus-rw`) rather than a folder. */
export function isOutputSpec(value: string): boolean {
  const type = value.includes('=') ? value.slice(0, value.indexOf('=')) : value;
  return (OUTPUT_TYPES as readonly string[]).includes(type);
}

/**
 * `shipcheck load --out`: k6's outputs by name, and at most one other value, the result folder
 * (the flag's older meaning), e.g. `--out out/soak --out experimental-prometheus-rw`.
 */
export function splitOutFlag(values: string[] | undefined): { resultDir?: string; outputs: OutputSpec[] } {
  const dirs = (values ?? []).filter((v) => !isOutputSpec(v));
  if (dirs.length > 1) throw fail('SHIPCHECK_ERR_OUTPUT_SPEC', { value: dirs.join(' --out '), reason: `only one result folder can be given, not ${dirs.length}` });
  return { resultDir: dirs[0], outputs: (values ?? []).filter(isOutputSpec).map(parseOutputSpec) };
}

export async function createOutputs(specs: OutputSpec[], ctx: OutputContext): Promise<Output[]> {
  const outputs: Output[] = [];
  try {
    for (const spec of specs) {
      switch (spec.type) {
        case 'json': {
          const json = new JsonOutput(spec.arg!, ctx.thresholdsOf);
          outputs.push({ description: `json (${spec.arg})`, listener: json.listener, stop: () => json.close() });
          break;
        }
        case 'csv': outputs.push(csvOutput(spec.arg, ctx)); break;
        case 'experimental-prometheus-rw': outputs.push(prometheusRwOutput(ctx)); break;
        case 'experimental-opentelemetry':
        case 'opentelemetry': {
          const { openTelemetryOutput } = await import('./opentelemetry.ts');
          outputs.push(await openTelemetryOutput(ctx));
          break;
        }
        default: throw fail('SHIPCHECK_ERR_OUTPUT_SPEC', { value: spec.type, reason: 'unknown output' });
      }
    }
  } catch (e) {
    // A later output's bad setting must not leave an earlier one's file or timer open.
    await Promise.allSettled(outputs.map((o) => o.stop()));
    throw e;
  }
  return outputs;
}

/** Stops every output; one that fails to flush does not keep the others from flushing. */
export async function stopOutputs(outputs: Output[]): Promise<void> {
  const results = await Promise.allSettled(outputs.map((o) => o.stop()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
