/**
 * The drill journal (`drills/<name>.json`): its JSON schema, checked with ajv before every
 * write so the report and the gate never read a journal they cannot trust.
 */
import path from 'node:path';
import { Ajv } from 'ajv';
import { fail } from '../../harness/errors.ts';
import { writeJson } from '../../harness/result-folder.ts';
import type { DrillJournal } from '../../harness/result-types.ts';

const isoTime = { type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z$' } as const;
const seconds = { type: 'object', additionalProperties: { type: 'number' } } as const;

export const drillJournalSchema = {
  $id: 'https://shipcheck.dev/schemas/drill-journal.json',
  type: 'object',
  additionalProperties: false,
  required: ['drill', 'title', 'hypothesis', 'startedAt', 'endedAt', 'verdict', 'steps', 'measurements', 'targets', 'objectives'],
  properties: {
    drill: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
    title: { type: 'string', minLength: 1 },
    hypothesis: { type: 'string', minLength: 1 },
    startedAt: isoTime,
    endedAt: isoTime,
    verdict: { enum: ['pass', 'fail', 'error'] },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['title', 'startedAt', 'endedAt', 'durationMs', 'status', 'output'],
        properties: {
          title: { type: 'string', minLength: 1 },
          startedAt: isoTime,
          endedAt: isoTime,
          durationMs: { type: 'number', minimum: 0 },
          status: { enum: ['ok', 'failed', 'skipped'] },
          output: { type: 'string' },
        },
      },
    },
    measurements: seconds,
    targets: seconds,
    objectives: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'target', 'observed', 'passed'],
        properties: {
          name: { type: 'string', minLength: 1 },
          target: { type: 'string' },
          observed: { type: 'string' },
          passed: { type: 'boolean' },
          detail: { type: 'string' },
        },
      },
    },
    error: { type: 'string' },
    sabotage: { type: 'string' },
    context: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
    alertsFrom: { type: 'string', minLength: 1 },
    alerts: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['alert', 'severity', 'forSeconds', 'ruleForSeconds', 'expected', 'state', 'passed'],
        properties: {
          alert: { type: 'string', minLength: 1 },
          severity: { type: 'string' },
          forSeconds: { type: 'number', minimum: 0 },
          ruleForSeconds: { type: 'number', minimum: 0 },
          expected: { enum: ['fire', 'silent', 'any'] },
          pendingSeconds: { type: 'number' },
          firingSeconds: { type: 'number' },
          resolvedSeconds: { type: 'number' },
          state: { enum: ['inactive', 'pending', 'firing', 'resolved'] },
          passed: { type: 'boolean' },
        },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
const validate = ajv.compile<DrillJournal>(drillJournalSchema);

/** The schema's complaints about `journal`, one line each; empty when it is valid. */
export function journalProblems(journal: unknown): string[] {
  if (validate(journal)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** Validates and writes `<dir>/drills/<name>.json`; returns its path. */
export function writeJournal(dir: string, journal: DrillJournal): string {
  const problems = journalProblems(journal);
  if (problems.length) {
    // Kept, so a drill's measurements are not lost to a bug in its journal.
    const kept = writeJson(dir, path.join('drills', `${journal.drill}.refused.json`), journal);
    throw fail('SHIPCHECK_ERR_DRILL_JOURNAL', { drill: journal.drill, reason: `${problems.join('; ')} (kept as ${kept})` });
  }
  return writeJson(dir, path.join('drills', `${journal.drill}.json`), journal);
}
