/**
 * The workflows, checked statically (nothing here can reach GitHub, Railway or Render): every
 * file parses, `needs` point at real jobs, every `shipcheck` call names a command and flags
 * that exist, every action is pinned to a commit SHA with its version beside it, permissions
 * are least, scheduled runs notify and keep themselves alive, deploys are never cancelled, and
 * the production checks select only read-only tests.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadCommand } from '../cli/run-cli.ts';
import { DRILLS } from '../cli/commands/drill.ts';
import { projectRoot } from '../harness/project-root.ts';

interface Step { name?: string; id?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { needs?: string | string[]; if?: string; steps?: Step[]; permissions?: Record<string, string>; environment?: string | { name: string }; concurrency?: { group: string; 'cancel-in-progress': boolean }; 'runs-on'?: string }
interface Workflow { name: string; on: Record<string, unknown>; permissions?: Record<string, string>; concurrency?: { group: string; 'cancel-in-progress': boolean }; jobs: Record<string, Job> }

const workflowsDir = path.join(projectRoot, '.github', 'workflows');
const files = fs.readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)).sort();
const text = (f: string) => fs.readFileSync(path.join(workflowsDir, f), 'utf8');
const workflows = Object.fromEntries(files.map((f) => [f, YAML.parse(text(f)) as Workflow]));
const actionFiles = fs.readdirSync(path.join(projectRoot, '.github', 'actions')).map((d) => path.join('.github', 'actions', d, 'action.yml'));
const needsOf = (j: Job) => (j.needs === undefined ? [] : [j.needs].flat());
const envName = (j: Job) => (typeof j.environment === 'string' ? j.environment : j.environment?.name);
const steps = (wf: string) => Object.entries(workflows[wf].jobs).flatMap(([job, j]) => (j.steps ?? []).map((s) => ({ job, ...s })));
const runbook = fs.readFileSync(path.join(projectRoot, 'docs', 'runbook.md'), 'utf8');
/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const anchors = new Set([...runbook.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => m[1].trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-')));

describe('workflow files', () => {
  it('are the five pipelines, and each parses without a YAML error or warning', () => {
    expect(files).toEqual(['ci.yml', 'deploy.yml', 'dr-drills.yml', 'soak.yml', 'synthetic.yml']);
    for (const f of [...files.map((x) => path.join('.github', 'workflows', x)), ...actionFiles, '.github/dependabot.yml']) {
      const doc = YAML.parseDocument(fs.readFileSync(path.join(projectRoot, f), 'utf8'));
      expect([f, doc.errors.map(String), doc.warnings.map(String)]).toEqual([f, [], []]);
    }
  });

  it('wire `needs` to jobs that exist, without cycles; deploy.yml runs build → staging → production', () => {
    for (const [f, wf] of Object.entries(workflows)) {
      for (const [name, job] of Object.entries(wf.jobs)) for (const n of needsOf(job)) expect([f, name, n in wf.jobs]).toEqual([f, name, true]);
      const seen = new Set<string>();
      const visit = (name: string, trail: string[]) => {
        expect([f, trail.includes(name) ? [...trail, name] : 'no cycle']).toEqual([f, 'no cycle']);
        if (seen.has(name)) return;
        for (const n of needsOf(wf.jobs[name])) visit(n, [...trail, name]);
        seen.add(name);
      };
      for (const name of Object.keys(wf.jobs)) visit(name, []);
    }
    const deploy = workflows['deploy.yml'].jobs;
    expect(Object.fromEntries(Object.entries(deploy).map(([n, j]) => [n, needsOf(j)]))).toEqual({ build: [], staging: ['build'], production: ['staging'] });
  });

  it('pin every action to a 40-hex commit SHA with its version in a comment (local actions excepted, and they exist)', () => {
    const pinned: string[] = [];
    for (const f of [...files.map((x) => path.join('.github', 'workflows', x)), ...actionFiles]) {
      for (const line of fs.readFileSync(path.join(projectRoot, f), 'utf8').split('\n')) {
        const m = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
        if (!m) continue;
        const [, ref, rest] = m;
        if (ref.startsWith('./')) { expect([f, ref, fs.existsSync(path.join(projectRoot, ref, 'action.yml'))]).toEqual([f, ref, true]); continue; }
        expect([f, ref]).toEqual([f, expect.stringMatching(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/)]);
        expect([f, ref, rest.trim()]).toEqual([f, ref, expect.stringMatching(/^# v\d+\.\d+\.\d+$/)]);
        pinned.push(`${ref} ${rest.trim()}`);
      }
    }
    // One SHA per action and version everywhere: an update moves them all together.
    const byAction = new Map<string, Set<string>>();
    for (const p of pinned) { const a = p.split('@')[0]; byAction.set(a, (byAction.get(a) ?? new Set()).add(p)); }
    for (const [a, refs] of byAction) expect([a, refs.size]).toEqual([a, 1]);
    expect([...byAction.keys()].sort()).toEqual(['actions/cache', 'actions/checkout', 'actions/download-artifact', 'actions/github-script', 'actions/setup-node',
      'actions/upload-artifact', 'dorny/test-reporter', 'grafana/setup-k6-action', 'liskin/gh-workflow-keepalive']);
  });

  it('call only shipcheck commands and flags that exist (drills and their own flags included)', async () => {
    const calls = files.flatMap((f) => steps(f).flatMap((s) => [...(s.run ?? '').matchAll(/npx shipcheck ([^\n|;&]+)/g)].map((m) => ({ f, words: m[1].trim().split(/\s+/) }))));
    expect(calls.length).toBeGreaterThanOrEqual(7);
    const drillFlags = new Map<string, string[]>();
    for (const { f, words } of calls) {
      const [name, ...rest] = words;
      const command = await loadCommand(name);
      const flags = rest.filter((w) => w.startsWith('--')).map((w) => w.slice(2).split('=')[0]);
      let known = Object.keys(command.spec.flags);
      if (name === 'drill') {
        const drill = rest[0];
        expect([f, drill, drill === 'all' || (DRILLS as readonly string[]).includes(drill)]).toEqual([f, drill, true]);
        if (drill !== 'all') {
          if (!drillFlags.has(drill)) {
            const help = execFileSync(process.execPath, [path.join(projectRoot, 'bin', 'shipcheck.mjs'), 'drill', drill, '--help'], { cwd: projectRoot, encoding: 'utf8' });
            drillFlags.set(drill, [...help.matchAll(/^\s+--([a-z][a-z0-9-]*)/gm)].map((m) => m[1]));
          }
          known = [...known, ...drillFlags.get(drill)!];
        }
      }
      for (const flag of flags) expect([f, name, flag, known.includes(flag)]).toEqual([f, name, flag, true]);
    }
    expect([...drillFlags.keys()].sort()).toEqual(['app-crash', 'db-outage']);
    // The quarterly run: every drill (migration-rollback among them), then the alert proofs.
    expect(calls.filter((c) => c.words[0] === 'drill').map((c) => c.words.slice(1, 3).join(' '))).toEqual(['all --out', 'db-outage --prove-alerts', 'app-crash --prove-alerts']);
    expect(DRILLS).toContain('migration-rollback');
  }, 120_000);

  it('grant least permissions: contents: read at the top; checks, issues and actions write only in the jobs that need them', () => {
    for (const [f, wf] of Object.entries(workflows)) {
      expect([f, wf.permissions]).toEqual([f, { contents: 'read' }]);
      for (const [name, job] of Object.entries(wf.jobs)) {
        const uses = (job.steps ?? []).map((s) => s.uses ?? '');
        const p = job.permissions ?? {};
        expect([f, name, p.checks === 'write']).toEqual([f, name, uses.some((u) => u.startsWith('dorny/test-reporter@'))]);
        expect([f, name, p.issues === 'write']).toEqual([f, name, uses.includes('./.github/actions/notify-failure')]);
        expect([f, name, p.actions === 'write']).toEqual([f, name, uses.some((u) => u.startsWith('liskin/gh-workflow-keepalive@'))]);
        for (const [scope, level] of Object.entries(p)) expect([f, name, scope, ['read', 'write', 'none'].includes(level)]).toEqual([f, name, scope, true]);
      }
    }
  });

  it('publish JUnit as a check and keep Playwright traces on failure wherever suites run', () => {
    for (const f of files) {
      for (const [name, job] of Object.entries(workflows[f].jobs)) {
        const s = job.steps ?? [];
        const runsSuites = s.some((x) => /npx shipcheck (gate|smoke)|vitest run/.test(x.run ?? ''));
        if (!runsSuites) continue;
        const reporter = s.find((x) => x.uses?.startsWith('dorny/test-reporter@'));
        expect([f, name, reporter?.with?.reporter]).toEqual([f, name, 'java-junit']);
        const traces = s.find((x) => x.uses?.startsWith('actions/upload-artifact@') && x.if === 'failure()' && /test-results|out\/$/.test(String(x.with?.path)));
        expect([f, name, !!traces]).toEqual([f, name, true]);
      }
    }
  });

  it('keep artifacts no longer than GitHub allows (90 days)', () => {
    const uploads = files.flatMap((f) => steps(f).filter((s) => s.uses?.startsWith('actions/upload-artifact@')).map((s) => [f, s.with?.['retention-days']]));
    expect(uploads.length).toBeGreaterThanOrEqual(8);
    for (const [f, days] of uploads) expect([f, typeof days === 'number' && days >= 1 && days <= 90]).toEqual([f, true]);
  });

  it('make scheduled workflows say when they fail and keep themselves alive', () => {
    const scheduled = files.filter((f) => 'schedule' in (workflows[f].on ?? {}));
    expect(scheduled).toEqual(['dr-drills.yml', 'soak.yml', 'synthetic.yml']);
    for (const f of scheduled) {
      const jobs = workflows[f].jobs;
      const main = Object.keys(jobs).filter((n) => !['notify', 'keepalive'].includes(n));
      expect([f, jobs.notify?.if, needsOf(jobs.notify ?? {})]).toEqual([f, "failure() && github.event_name == 'schedule'", main]);
      expect([f, jobs.keepalive?.if]).toEqual([f, "github.event_name == 'schedule'"]);
    }
    expect((workflows['synthetic.yml'].on.schedule as Array<{ cron: string }>)[0].cron).toBe('*/15 * * * *');
  });

  it('never cancel a deploy, a drill or a soak mid-way; one concurrency group per environment', () => {
    expect(workflows['dr-drills.yml'].concurrency).toEqual({ group: 'dr-drills', 'cancel-in-progress': false });
    const groups: Array<[string, string, string | undefined, unknown]> = [];
    for (const f of files) for (const [name, job] of Object.entries(workflows[f].jobs)) if (envName(job) && f !== 'synthetic.yml') groups.push([f, name, envName(job), job.concurrency]);
    expect(groups).toEqual([
      ['deploy.yml', 'staging', 'staging', { group: 'environment-staging', 'cancel-in-progress': false }],
      ['deploy.yml', 'production', 'production', { group: 'environment-production', 'cancel-in-progress': false }],
      ['soak.yml', 'soak', 'staging', { group: 'environment-staging', 'cancel-in-progress': false }],
    ]);
    for (const f of files) for (const [name, job] of Object.entries(workflows[f].jobs)) {
      if (job.concurrency?.['cancel-in-progress']) expect([f, name]).toEqual(['never', 'cancels an environment job']);
    }
  });

  it('deploy.yml gates staging with real k6, smokes the production candidate before traffic, deploys through the one replaceable script, and rolls back by redeploying the previous release', () => {
    const jobs = workflows['deploy.yml'].jobs;
    const gate = jobs.staging.steps!.find((s) => s.id === 'gate')!;
    expect(gate.run).toMatch(/npx shipcheck gate --environment staging .*--allow-remote-target --engine k6/);
    expect(jobs.staging.steps!.some((s) => s.uses?.startsWith('grafana/setup-k6-action@'))).toBe(true);
    for (const env of ['staging', 'production'] as const) {
      const s = jobs[env].steps!;
      expect(envName(jobs[env])).toBe(env);
      expect(s.find((x) => x.id === 'deploy')!.run).toBe(`bash deploy/deploy.sh ${env} "$GITHUB_SHA"`);
      expect(s.find((x) => x.id === 'previous')!.with!.script).toBe(`return require('./.github/scripts/previous-release.cjs')({ github, context, core }, '${env}')`);
      const rollback = s.at(-1)!;
      expect(rollback.if).toBe("failure() && steps.deploy.outcome != 'skipped' && steps.previous.outputs.sha != ''");
      expect(rollback.env).toEqual({ PREVIOUS: '${{ steps.previous.outputs.sha }}' });
      expect(rollback.run).toContain(`bash deploy/deploy.sh ${env} "$PREVIOUS"`);
    }
    // Blue-green on production: the release runs on the candidate service and passes the read-only
    // smoke there before the public service deploys it; a candidate failure skips deploy and rollback.
    const prod = jobs.production.steps!;
    const at = (id: string) => prod.findIndex((x) => x.id === id);
    expect(prod[at('candidate')]).toMatchObject({ if: "vars.PRODUCTION_CANDIDATE_URL != ''", run: 'bash deploy/deploy.sh production "$GITHUB_SHA" candidate' });
    expect(prod[at('candidate-smoke')]).toMatchObject({ if: "vars.PRODUCTION_CANDIDATE_URL != ''", env: { CANDIDATE_URL: '${{ vars.PRODUCTION_CANDIDATE_URL }}' } });
    expect(prod[at('candidate-smoke')].run).toMatch(/^npx shipcheck smoke --environment production --target "\$CANDIDATE_URL" --grep "\$\(cat deploy\/read-only-grep.txt\)" --out out\/candidate-smoke /);
    expect([at('previous') < at('candidate'), at('candidate') < at('candidate-smoke'), at('candidate-smoke') < at('deploy')]).toEqual([true, true, true]);
    // Between the candidate smoke and the deploy nothing may run on a failure (it would promote a failed release).
    expect(prod.slice(at('candidate-smoke') + 1, at('deploy')).filter((x) => !x.uses?.startsWith('dorny/test-reporter@')).map((x) => x.if)).toEqual([]);
    expect(prod.find((x) => x.if === "vars.PRODUCTION_CANDIDATE_URL == ''")!.run).toContain('::warning::');
    // The bundles are built once and downloaded, never rebuilt after the build job.
    expect(jobs.staging.steps!.some((s) => /npm run build/.test(s.run ?? ''))).toBe(false);
    expect(jobs.staging.steps!.find((s) => s.uses?.startsWith('actions/download-artifact@'))!.with!.name).toBe('release-${{ github.sha }}');
    // A rollback never runs a down migration: the previous release runs on the new schema.
    for (const s of steps('deploy.yml')) expect([s.name, /migrat|rollback\(/i.test(s.run ?? '')]).toEqual([s.name, false]);
    expect(fs.readFileSync(path.join(projectRoot, 'deploy', 'deploy.sh'), 'utf8')).not.toMatch(/rollbackMigrations|migration-rollback|down\.sql/);
  });

  it('point every error message at a runbook section that exists', () => {
    const refs = [...files.map(text), ...actionFiles.map((f) => fs.readFileSync(path.join(projectRoot, f), 'utf8')), fs.readFileSync(path.join(projectRoot, 'deploy', 'deploy.sh'), 'utf8')]
      .flatMap((t) => [...t.matchAll(/docs\/runbook\.md#([a-z0-9-]+)/g)].map((m) => m[1]));
    expect(new Set(refs)).toEqual(new Set(['gate-failed', 'candidate-smoke-failed', 'post-deploy-smoke-failed', 'rollback', 'deploy-failed', 'synthetic-check-failed', 'drill-failed', 'soak-failed', 'supply-chain-check-failed']));
    for (const r of refs) expect([r, anchors.has(r)]).toEqual([r, true]);
  });

  it('run npm audit and the secret scan in CI', () => {
    const runs = steps('ci.yml').map((s) => s.run ?? '');
    expect(runs.some((r) => r.startsWith('npm audit --audit-level=high'))).toBe(true);
    expect(runs.some((r) => r.startsWith('npx secretlint "**/*"'))).toBe(true);
  });

  it('dependabot updates npm packages and the pinned actions', () => {
    const d = YAML.parse(fs.readFileSync(path.join(projectRoot, '.github', 'dependabot.yml'), 'utf8')) as { version: number; updates: Array<{ 'package-ecosystem': string; directory: string }> };
    expect(d.version).toBe(2);
    expect(d.updates.map((u) => [u['package-ecosystem'], u.directory])).toEqual([['npm', '/'], ['github-actions', '/']]);
  });
});

describe('production checks', () => {
  it('the read-only selection (deploy/read-only-grep.txt) lists health, headers, accessibility and web vitals, and nothing that writes or spends a rate limit', () => {
    const grep = fs.readFileSync(path.join(projectRoot, 'deploy', 'read-only-grep.txt'), 'utf8').trim();
    for (const f of ['deploy.yml', 'synthetic.yml']) expect(text(f)).toContain('--grep "$(cat deploy/read-only-grep.txt)"');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-list-'));
    try {
      const r = spawnSync(process.execPath, [path.join(projectRoot, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '-c', 'smoke/playwright.config.ts', '--list', '--grep', grep], {
        cwd: projectRoot, encoding: 'utf8', env: { ...process.env, SHIPCHECK_ENVIRONMENT: 'production', SHIPCHECK_RESULT_DIR: out, API_KEY: 'sc_list_only', SHIPCHECK_TARGET_FILE: '' },
      });
      expect(r.status).toBe(0);
      const titles = r.stdout.split('\n').filter((l) => l.includes(' › ')).map((l) => l.split(' › ').slice(2).join(' › '));
      const kinds = new Set(titles.map((t) => t.split(' › ')[0]));
      expect(kinds).toEqual(new Set(['health', 'security', 'accessibility', 'keyboard', 'web vitals']));
      for (const t of titles) expect(t).toMatch(/^(health › .* within the health SLO|security › headers on .*|accessibility › page .* has no WCAG 2\.1 A\/AA violations|keyboard › page .* can be walked with Tab alone|web vitals › page .* paints and loads within its budgets)$/);
      // What must never run on production: generation, erasure, the rate-limit exhaustion, writes.
      expect(titles.filter((t) => /generat(e|ion)|GDPR|429|round trip|POST|DELETE/.test(t) && !t.startsWith('security › headers on page'))).toEqual([]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('platform examples', () => {
  it('railway.toml and render.yaml health-check /api/v1/health and start the included API', () => {
    const railway = fs.readFileSync(path.join(projectRoot, 'deploy', 'railway.toml'), 'utf8');
    expect(railway).toMatch(/^healthcheckPath = "\/api\/v1\/health"$/m);
    expect(railway).toMatch(/^startCommand = "node bin\/shipcheck\.mjs serve --host 0\.0\.0\.0"$/m);
    const render = YAML.parse(fs.readFileSync(path.join(projectRoot, 'deploy', 'render.yaml'), 'utf8')) as { services: Array<Record<string, unknown>> };
    expect(render.services[0]).toMatchObject({ type: 'web', healthCheckPath: '/api/v1/health', autoDeploy: false, startCommand: 'node bin/shipcheck.mjs serve --host 0.0.0.0' });
  });

  it('deploy.sh refuses an unknown platform and a missing credential with a line that says what to set', () => {
    const run = (env: Record<string, string>) => spawnSync('bash', ['deploy/deploy.sh', 'staging', 'abc123'], { cwd: projectRoot, encoding: 'utf8', env: { PATH: process.env.PATH!, ...env } });
    const none = run({});
    expect([none.status, none.stderr]).toEqual([1, expect.stringContaining('set PLATFORM=railway or PLATFORM=render')]);
    const other = run({ PLATFORM: 'heroku' });
    expect([other.status, other.stderr.trim()]).toEqual([2, '::error::PLATFORM=heroku: deploy/deploy.sh knows railway and render; add a deploy_heroku function. See docs/runbook.md#deploy-failed']);
    const railway = run({ PLATFORM: 'railway' });
    expect([railway.status, railway.stderr]).toEqual([1, expect.stringContaining('RAILWAY_TOKEN is not set: add it as a secret of the staging environment')]);
    const render = run({ PLATFORM: 'render', RENDER_API_KEY: 'x' });
    expect([render.status, render.stderr]).toEqual([1, expect.stringContaining('RENDER_SERVICE_ID is not set: add it as a variable of the staging environment')]);
    const candidate = (env: Record<string, string>, slot = 'candidate') => spawnSync('bash', ['deploy/deploy.sh', 'production', 'abc123', slot], { cwd: projectRoot, encoding: 'utf8', env: { PATH: process.env.PATH!, ...env } });
    expect(candidate({ PLATFORM: 'render', RENDER_API_KEY: 'x', RENDER_SERVICE_ID: 'srv-public' }).stderr.trim())
      .toBe('RENDER_SERVICE_ID_CANDIDATE is not set: add it as a variable of the production environment (its candidate service: same configuration and database, no public traffic)');
    expect(candidate({ PLATFORM: 'railway', RAILWAY_TOKEN: 'x', RAILWAY_SERVICE: 'public' }).stderr.trim())
      .toBe('RAILWAY_SERVICE_CANDIDATE is not set: add it as a variable of the production environment (its candidate service: same configuration and database, no public traffic)');
    const slot = candidate({ PLATFORM: 'render' }, 'blue');
    expect([slot.status, slot.stderr.trim()]).toEqual([2, "::error::deploy/deploy.sh: the third argument may only be 'candidate', got 'blue'. See docs/runbook.md#deploy-failed"]);
  });
});
