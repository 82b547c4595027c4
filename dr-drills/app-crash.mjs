#!/usr/bin/env -S node --import=tsx
/**
 * App crash under load. The included API runs under a supervisor (restart on exit, like
 * systemd Restart=always) while reads and acknowledged writes stream at a steady rate; the
 * API process is killed with SIGKILL. Measures the downtime (kill → first healthy answer),
 * the requests that failed in that window, and proves every acknowledged write survived.
 */
import pg from 'pg'
import { drillArgs } from './lib/args.ts'
import { startDrill } from './lib/drill.ts'
import { appDatabase, createCluster, guardDatabaseUrl } from './lib/clusters.ts'
import { seedDataset } from './lib/dataset.ts'
import { ApiSupervisor } from './lib/supervisor.ts'
import { Traffic, generateRequest, httpSample, isOk, readRequest } from './lib/traffic.ts'
import { startEngineLoad } from './lib/engine-load.ts'
import { sleep } from './lib/writer.ts'
import { secondsBetween } from './lib/progress.ts'
import { fail } from '../harness/errors.ts'
import { AlertWatch, recordAlerts, requirePrometheus } from './lib/prometheus.ts'

const args = drillArgs('app-crash', {
  'steady-seconds': 2,        // load before the crash
  'after-seconds': 1,         // load kept after the API is back
  'read-rate': 40,            // reads per second (the drill's own instrument)
  'write-rate': 10,           // generations per second, each acknowledged write recorded
  'engine-vus': 5,            // background load from the engine (shipcheck run), when it is installed
  'downtime-target': 30,      // seconds from the kill to a healthy API
  'prove-alerts': false,      // run a real Prometheus with monitoring/'s rules and record the alert timeline
  'alert-for-seconds': 0,     // with --prove-alerts: every non-zero for: becomes this (0 = the rules' own)
}, ['no-supervisor'])
if (args['prove-alerts']) requirePrometheus('app-crash')
// Silence proves something only when the alerts' for: is longer than any downtime the drill accepts.
if (args['prove-alerts'] && args['alert-for-seconds'] > 0 && args['alert-for-seconds'] <= args['downtime-target']) {
  throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--alert-for-seconds', value: String(args['alert-for-seconds']), hint: `Give more than --downtime-target (${args['downtime-target']} s): a crash healed within the target must not page, and that is only provable with a longer for:.` })
}
// A crash the supervisor heals well within these alerts' for: must not page anyone.
const SILENT_ALERTS = ['ApiHealthCheckFailing', 'DatabaseConnectionFailure']
if (guardDatabaseUrl('app-crash', args)) throw fail('SHIPCHECK_ERR_DRILL_NEEDS', { drill: 'app-crash', what: 'a cluster of its own', hint: 'it starts the API on a database it creates; drop --database-url.' })

const drill = startDrill({
  name: 'app-crash',
  title: 'App crash under load: the API is killed with SIGKILL and its supervisor restarts it',
  hypothesis: `When the API process dies under load, its supervisor has it healthy again within ${args['downtime-target']} s, requests fail only inside that window, and no acknowledged write is lost.${args['prove-alerts'] ? ` Prometheus, with the real alert rules, pages nobody: ${SILENT_ALERTS.join(' and ')} never fire.` : ''}`,
  out: args.out,
  targets: { downtimeSeconds: args['downtime-target'], rtoSeconds: args['downtime-target'] },
  sabotage: args.sabotage,
})

// ─── Steady state ───────────────────────────────────────────────────────────
const env = { RATE_LIMIT_READS_PER_MIN: '1000000', RATE_LIMIT_GENERATIONS_PER_HOUR: '10000000', LOCAL_PROVIDER_LATENCY_MS: '5', LOCAL_PROVIDER_JITTER_MS: '5' }
const steady = await drill.step(`Steady state: the supervised API under ${args['read-rate']} reads/s and ${args['write-rate']} writes/s`, async (say) => {
  const cluster = await createCluster(drill, 'db', { say })
  const url = await appDatabase(cluster)
  const supervisor = new ApiSupervisor(drill, { databaseUrl: url, restart: args.sabotage !== 'no-supervisor', env, say })
  const api = await supervisor.start()
  await seedDataset(url, 1000, say)
  say(`API ${api.url} (pid ${supervisor.pid}) supervised; 1000 content rows seeded`)
  let alerts
  if (args['prove-alerts']) {
    alerts = new AlertWatch(drill, { apiUrl: api.url, forSeconds: args['alert-for-seconds'], say })
    await alerts.start()
  }
  const ids = Array.from({ length: 1000 }, (_, i) => i + 1)
  const reads = new Traffic('reads', readRequest(api.url, api.apiKeys, () => ids), args['read-rate']).start()
  const writes = new Traffic('writes', generateRequest(api.url, api.apiKeys), args['write-rate']).start()
  const health = new Traffic('health', () => httpSample(`${api.url}/health`, { timeoutMs: 2000 }), 20).start()
  const engine = await startEngineLoad(drill, { baseUrl: api.url, apiKeys: api.apiKeys, vus: args['engine-vus'], seconds: args['steady-seconds'] + args['downtime-target'] + args['after-seconds'] + 5, say })
  await sleep(args['steady-seconds'] * 1000)
  const failed = [...reads.samples, ...writes.samples].filter((s) => !isOk(s))
  drill.require({ name: 'steady state holds before the crash', target: 'no failed request', observed: `${failed.length} failed of ${reads.samples.length + writes.samples.length}`, passed: failed.length === 0 })
  return { cluster, url, api, supervisor, reads, writes, health, engine, alerts }
})

// ─── Disaster ───────────────────────────────────────────────────────────────
const crash = await drill.step('Disaster: kill -9 the API process', async (say) => {
  const at = Date.now()
  const pid = steady.supervisor.crash()
  say(`sent SIGKILL to pid ${pid} at ${new Date(at).toISOString()}`)
  return { at, pid }
})

// ─── Restore ────────────────────────────────────────────────────────────────
const back = await drill.step('Restore: the supervisor restarts the API; wait for a healthy answer', async (say) => {
  const deadline = crash.at + args['downtime-target'] * 1000 + 2000
  let healthyAt
  while (!healthyAt && Date.now() < deadline) {
    const r = await httpSample(`${steady.api.url}/health`, { timeoutMs: 1000 })
    if (isOk(r)) healthyAt = Date.now()
    else await sleep(25)
  }
  say(healthyAt ? `healthy again after ${secondsBetween(crash.at, healthyAt)} s (pid ${steady.supervisor.pid})` : `not healthy ${secondsBetween(crash.at, Date.now())} s after the kill`)
  await sleep(args['after-seconds'] * 1000)
  await Promise.all([steady.reads.stop(), steady.writes.stop(), steady.health.stop()])
  if (steady.alerts && healthyAt) {
    // Held until each silent alert's for: (plus three evaluations) has passed since the crash: had it been going to fire, it would have.
    const until = crash.at + (Math.max(...SILENT_ALERTS.map((a) => steady.alerts.forOf(a))) + 3) * 1000
    if (until > Date.now()) say(`holding ${secondsBetween(Date.now(), until)} s more, until the alerts' for: has passed since the kill`)
    while (Date.now() < until && !SILENT_ALERTS.some((a) => steady.alerts.fired([a]))) await sleep(100)
  }
  return { healthyAt }
})
const engineResult = await steady.engine.finish()

// ─── Verify ─────────────────────────────────────────────────────────────────
await drill.step('Verify: every acknowledged write is in the database; failures only inside the crash window', async (say) => {
  const acked = steady.writes.samples.filter((s) => s.status === 201 && s.id !== undefined).map((s) => s.id)
  const c = new pg.Client({ connectionString: steady.url })
  await c.connect()
  const found = Number((await c.query('select count(*) as n from educational_content where id = any($1::int[])', [acked])).rows[0].n)
  await c.end()
  say(`${acked.length} writes acknowledged (201), ${found} of them in the database`)
  drill.objective({ name: 'zero acknowledged writes lost', target: `all ${acked.length} acknowledged writes present`, observed: `${acked.length - found} missing`, passed: found === acked.length })
  // The window closes 3 s after the first healthy answer: the drill's clients reconnect to the new
  // process on their own schedule, and on a busy 2-core CI machine that has taken over a second.
  const windowEnd = (back.healthyAt ?? Date.now()) + 3000
  const all = [...steady.reads.samples, ...steady.writes.samples]
  const inWindow = all.filter((s) => s.at >= crash.at - 1000 && s.at < windowEnd)
  const failedInWindow = inWindow.filter((s) => !isOk(s))
  const failedOutside = all.filter((s) => !isOk(s) && (s.at < crash.at - 1000 || s.at >= windowEnd))
  say(`${failedInWindow.length} of ${inWindow.length} requests failed in the crash window; ${failedOutside.length} failed outside it`)
  drill.context('failedRequestsInWindow', failedInWindow.length)
  drill.context('requestsInWindow', inWindow.length)
  drill.objective({ name: 'requests fail only while the API is down', target: 'no failed request outside the crash window', observed: `${failedOutside.length} outside`, passed: failedOutside.length === 0 })
  if (engineResult) {
    say(`engine load: ${engineResult.requests} requests, ${engineResult.failed} failed`)
    drill.context('engineRequests', engineResult.requests)
    drill.context('engineFailedRequests', engineResult.failed)
  }
})

// ─── Alerts ─────────────────────────────────────────────────────────────────
if (steady.alerts) {
  await drill.step('Alerts: a crash healed within the alerts\' for: pages nobody', async (say) => {
    const timeline = steady.alerts.timeline(crash.at, Object.fromEntries(SILENT_ALERTS.map((a) => [a, 'silent'])))
    await steady.alerts.stop()
    const brief = timeline.filter((a) => a.pendingSeconds !== undefined && a.firingSeconds === undefined).map((a) => a.alert)
    say(`went pending and cleared without firing: ${brief.join(', ') || 'none'}; never active: ${timeline.filter((a) => a.state === 'inactive').map((a) => a.alert).join(', ')}`)
    recordAlerts(drill, timeline, 'the kill')
  })
}

// ─── Measure ────────────────────────────────────────────────────────────────
await drill.step('Measure: downtime against its target', async (say) => {
  const restarted = steady.supervisor.restarts.filter((r) => r.readyAt).length
  say(`supervisor restarts: ${restarted}; API pid ${crash.pid} → ${steady.supervisor.pid}`)
  const downtime = back.healthyAt ? secondsBetween(crash.at, back.healthyAt) : Infinity
  if (back.healthyAt) {
    drill.measure('downtimeSeconds', downtime)
    drill.measure('rtoSeconds', downtime)
  }
  drill.objective({ name: 'API back within the downtime target', target: `≤ ${args['downtime-target']} s`, observed: back.healthyAt ? `${downtime} s` : 'never healthy again', passed: downtime <= args['downtime-target'] })
})

process.exitCode = await drill.finish()
