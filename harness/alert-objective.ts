/**
 * The name of the drill objective an alert expectation becomes. The drills write it
 * (dr-drills/lib/prometheus.ts recordAlerts) and the reports find the objective by it, so the
 * alert's testcase can stand in its place: one name, made in one place.
 */
import type { DrillAlert } from './result-types.ts';

export function alertObjectiveName(a: Pick<DrillAlert, 'alert' | 'expected'>): string {
  return a.expected === 'fire' ? `alert ${a.alert} fires and resolves` : `alert ${a.alert} stays silent`;
}
