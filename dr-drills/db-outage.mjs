#!/usr/bin/env -S node --import=tsx
/**
 * Database outage under load. PostgreSQL is stopped for a set time while reads, writes and
 * health checks keep coming. The API must stay up, report 503 "degraded" on its health,
 * fail requests fast with a clear 503, and be healthy again soon after PostgreSQL returns —
 * by reconnecting, not by being restarted. No acknowledged write may be lost.
 */
import pg from 'pg'
import { drillArgs } from './lib/args.ts'
import { startDrill } from './lib/drill.ts'
import { appDatabase, createCluster, guardDatabaseUrl } from './lib/clusters.ts'
import { seedDataset } from './lib/dataset.ts'
import { startApi } from './lib/api.ts'
import { Traffic, generateRequest, httpSample, isOk, percentile, readRequest } from './lib/traffic.ts'
import { startEngineLoad } from './lib/engine-load.ts'
import { sleep } from './lib/writer.ts'
import { secondsBetween } from './lib/progress.ts'
import { fail } from '../harness/errors.ts'
import { AlertWatch, recordAlerts, requirePrometheus } from './lib/prometheus.ts'

const args = drillArgs('db-outage', {
  'steady-seconds': 2,        // load before the outage
  'outage-seconds': 5,        // how long PostgreSQL stays down
  'after-seconds': 1,         // load kept after the API is healthy again
  'read-rate': 40,            // reads per second (the drill's own instrument)
  'write-rate': 10,           // generations per second
  'engine-vus': 5,            // background load from the engine, when installed
  'recovery-target': 30,      // seconds from PostgreSQL back to the API healthy
  'fail-fast-ms': 5000,       // a request during the outage must be answered within this
  'prove-alerts': false,      // run a real Prometheus with monitoring/'s rules and record the alert timeline
  'alert-for-seconds': 0,     // with --prove-alerts: every non-zero for: becomes this (0 = the rules' own)
}, ['moved-port'])
if (args['prove-alerts']) requirePrometheus('db-outage')
// The alerts this fault must raise (and clear once healed); every other rule is recorded as it went.
const EXPECTED_ALERTS = ['DatabaseConnectionFailure', 'ApiHealthCheckFailing']
if (guardDatabaseUrl('db-outage', args)) throw fail('SHIPCHECK_ERR_DRILL_NEEDS', { drill: 'db-outage', what: 'a cluster of its own', hint: 'it stops and starts the PostgreSQL server; drop --database-url.' })

const drill = startDrill({
  name: 'db-outage',
  title: `Database outage under load: PostgreSQL stopped for ${args['outage-seconds']} s`,
  hypothesis: `While PostgreSQL is down the API stays up, reports 503 "degraded" and fails requests within ${args['fail-fast-ms']} ms with a clear 503; it is healthy again within ${args['recovery-target']} s of PostgreSQL returning, without a restart, and loses no acknowledged write.${args['prove-alerts'] ? ` Prometheus, with the real alert rules, fires ${EXPECTED_ALERTS.join(' and ')} during the outage and resolves them after.` : ''}`,
  out: args.out,
  targets: { recoverySeconds: args['recovery-target'], failFastSeconds: args['fail-fast-ms'] / 1000 },
  sabotage: args.sabotage,
})

// ─── Steady state ───────────────────────────────────────────────────────────
const env = { RATE_LIMIT_READS_PER_MIN: '1000000', RATE_LIMIT_GENERATIONS_PER_HOUR: '10000000', LOCAL_PROVIDER_LATENCY_MS: '5', LOCAL_PROVIDER_JITTER_MS: '5' }
const steady = await drill.step(`Steady state: the API under ${args['read-rate']} reads/s and ${args['write-rate']} writes/s`, async (say) => {
  const cluster = await createCluster(drill, 'db', { say })
  const url = await appDatabase(cluster)
  const api = await startApi(drill, url, { env, keys: 20 })
  await seedDataset(url, 1000, say)
  say(`API ${api.url} (pid ${api.pid}); 1000 content rows seeded`)
  let alerts
  if (args['prove-alerts']) {
    alerts = new AlertWatch(drill, { apiUrl: api.url, forSeconds: args['alert-for-seconds'], say })
    await alerts.start()
  }
  const ids = Array.from({ length: 1000 }, (_, i) => i + 1)
  const streams = {
    reads: new Traffic('reads', readRequest(api.url, api.apiKeys, () => ids), args['read-rate']).start(),
    writes: new Traffic('writes', generateRequest(api.url, api.apiKeys), args['write-rate']).start(),
    liveness: new Traffic('liveness', () => httpSample(`${api.url}/health`, { timeoutMs: 2000 }), 10).start(),
    health: new Traffic('health', () => httpSample(`${api.url}/api/v1/health`, { timeoutMs: 10_000 }), 10).start(),
  }
  const engine = await startEngineLoad(drill, { baseUrl: api.url, apiKeys: api.apiKeys, vus: args['engine-vus'], seconds: args['steady-seconds'] + args['outage-seconds'] + args['recovery-target'] + args['after-seconds'] + 5, say })
  await sleep(args['steady-seconds'] * 1000)
  const failed = [...streams.reads.samples, ...streams.writes.samples].filter((s) => !isOk(s))
  drill.require({ name: 'steady state holds before the outage', target: 'no failed request', observed: `${failed.length} failed of ${streams.reads.samples.length + streams.writes.samples.length}`, passed: failed.length === 0 })
  return { cluster, url, api, streams, engine, alerts }
})
const { streams, alerts } = steady

// ─── Disaster ───────────────────────────────────────────────────────────────
const outage = await drill.step(`Disaster: stop PostgreSQL for ${args['outage-seconds']} s`, async (say) => {
  const at = Date.now()
  await steady.cluster.stop()
  const stoppedAt = Date.now()
  say(`PostgreSQL stopped (fast shutdown) in ${secondsBetween(at, stoppedAt)} s`)
  // The outage lasts its length from the moment PostgreSQL is down, however long stopping took,
  // and until every stream has answers to judge in the window (a busy machine sends fewer).
  const judgedFrom = stoppedAt + 1000
  const enough = () => ['health', 'reads', 'writes'].every((k) => streams[k].between(judgedFrom, Date.now()).length >= 3)
  // With --prove-alerts the fault is held until the expected alerts fire (past their for:).
  const holdFor = alerts ? Math.max(...EXPECTED_ALERTS.map((a) => alerts.forOf(a))) + 30 : 0
  const latest = stoppedAt + Math.max(args['outage-seconds'], holdFor) * 1000 + 30_000
  const raised = () => !alerts || alerts.fired(EXPECTED_ALERTS)
  while ((Date.now() < stoppedAt + args['outage-seconds'] * 1000 || !enough() || !raised()) && Date.now() < latest) await sleep(50)
  if (alerts) say(raised() ? `alerts firing after ${secondsBetween(stoppedAt, Date.now())} s: ${alerts.activeNow().join(', ')}` : `not every expected alert fired within ${secondsBetween(stoppedAt, Date.now())} s; active: ${alerts.activeNow().join(', ') || 'none'}`)
  if (!enough()) say(`only ${['health', 'reads', 'writes'].map((k) => `${streams[k].between(judgedFrom, Date.now()).length} ${k}`).join(', ')} answers in the outage window after 30 s more`)
  return { at, stoppedAt }
})

// ─── Restore ────────────────────────────────────────────────────────────────
const back = await drill.step('Restore: start PostgreSQL again and wait for the API to report healthy', async (say) => {
  const oldPort = steady.cluster.port
  const restartAt = Date.now()
  if (args.sabotage === 'moved-port') steady.cluster.port = 0     // comes back on another port: the app cannot find it
  await steady.cluster.start()
  const pgBackAt = Date.now()
  if (args.sabotage === 'moved-port') say(`sabotage: PostgreSQL came back on port ${steady.cluster.port} instead of ${oldPort}`)
  say(`PostgreSQL accepting connections again at ${new Date(pgBackAt).toISOString()}`)
  const deadline = pgBackAt + args['recovery-target'] * 1000 + 2000
  let healthyAt
  while (!healthyAt && Date.now() < deadline) {
    const r = await httpSample(`${steady.api.url}/api/v1/health`, { timeoutMs: 5000 })
    if (r.status === 200) healthyAt = Date.now()
    else await sleep(50)
  }
  say(healthyAt ? `API healthy ${secondsBetween(pgBackAt, healthyAt)} s after PostgreSQL returned` : `API still not healthy ${secondsBetween(pgBackAt, Date.now())} s after PostgreSQL returned`)
  if (alerts && healthyAt) {
    const cleared = await alerts.waitResolved(EXPECTED_ALERTS, 60_000)
    say(cleared ? `${EXPECTED_ALERTS.join(' and ')} resolved ${secondsBetween(pgBackAt, Date.now())} s after PostgreSQL returned` : `still active 60 s after recovery: ${alerts.activeNow().join(', ')}`)
  }
  await sleep(args['after-seconds'] * 1000)
  await Promise.all(Object.values(streams).map((t) => t.stop()))
  return { restartAt, pgBackAt, healthyAt }
})
const engineResult = await steady.engine.finish()

// ─── Verify ─────────────────────────────────────────────────────────────────
await drill.step('Verify: the API stayed up, degraded clearly, failed fast, lost no acknowledged write', async (say) => {
  let alive = true
  try { process.kill(steady.api.pid, 0) } catch { alive = false }
  const livenessDown = streams.liveness.samples.filter((s) => s.status !== 200)
  drill.objective({ name: 'API process stayed up', target: 'same pid; GET /health answered 200 throughout', observed: `${alive ? 'same pid' : 'process gone'}; ${livenessDown.length} of ${streams.liveness.samples.length} liveness probes failed`, passed: alive && livenessDown.length === 0 })

  // Judged from a second after the stop (requests already in flight may end either way) until the restart began.
  const during = (t) => t.between(outage.stoppedAt + 1000, back.restartAt)
  const health = during(streams.health)
  const degraded = health.filter((s) => s.status === 503 && s.code === 'degraded')
  drill.objective({ name: 'health reports degraded during the outage', target: '/api/v1/health → 503 "degraded"', observed: `${degraded.length} of ${health.length} probes`, passed: health.length > 0 && degraded.length === health.length })

  const requests = [...during(streams.reads), ...during(streams.writes)]
  const isClear = (s) => s.status === 503 && s.code === 'DATABASE_UNAVAILABLE'
  const clear = requests.filter(isClear)
  // A request still waiting for a connection when PostgreSQL returns may succeed: that is fine; a failure must be clear.
  const unclear = requests.filter((s) => !isClear(s) && !isOk(s))
  const failedMs = requests.filter((s) => !isOk(s)).map((s) => s.ms)
  const p99 = percentile(failedMs, 99)
  say(`${requests.length} requests during the outage: ${clear.length} answered 503 DATABASE_UNAVAILABLE, p99 ${Math.round(p99)} ms, max ${Math.round(Math.max(0, ...failedMs))} ms`)
  const odd = unclear.map((s) => s.status ? `${s.status} ${s.code ?? ''}`.trim() : s.error)
  drill.objective({ name: 'requests fail clearly during the outage', target: 'every failed request → 503 DATABASE_UNAVAILABLE', observed: `${requests.length - unclear.length} of ${requests.length} clear (${clear.length} failed)`, passed: clear.length > 0 && unclear.length === 0, detail: odd.length ? `others: ${[...new Set(odd)].slice(0, 4).join(', ')}` : undefined })
  drill.measure('failFastSeconds', Math.round(p99) / 1000)
  drill.objective({ name: 'requests fail fast during the outage', target: `p99 ≤ ${args['fail-fast-ms']} ms`, observed: `p99 ${Math.round(p99)} ms`, passed: failedMs.length > 0 && p99 <= args['fail-fast-ms'] })

  const acked = streams.writes.samples.filter((s) => s.status === 201 && s.id !== undefined).map((s) => s.id)
  const c = new pg.Client({ connectionString: steady.cluster.url('shipcheck') })
  await c.connect()
  const found = Number((await c.query('select count(*) as n from educational_content where id = any($1::int[])', [acked])).rows[0].n)
  await c.end()
  drill.objective({ name: 'zero acknowledged writes lost', target: `all ${acked.length} acknowledged writes present`, observed: `${acked.length - found} missing`, passed: found === acked.length })
  if (engineResult) {
    say(`engine load: ${engineResult.requests} requests, ${engineResult.failed} failed`)
    drill.context('engineRequests', engineResult.requests)
    drill.context('engineFailedRequests', engineResult.failed)
  }
})

// ─── Alerts ─────────────────────────────────────────────────────────────────
if (alerts) {
  await drill.step('Alerts: the outage raised its alerts past their for:, and they resolved once healed', async (say) => {
    const timeline = alerts.timeline(outage.at, Object.fromEntries(EXPECTED_ALERTS.map((a) => [a, 'fire'])))
    await alerts.stop()
    const silent = timeline.filter((a) => a.state === 'inactive').map((a) => a.alert)
    say(`stayed silent: ${silent.join(', ') || 'none'}`)
    recordAlerts(drill, timeline, 'the stop of PostgreSQL')
  })
}

// ─── Measure ────────────────────────────────────────────────────────────────
await drill.step('Measure: recovery time (PostgreSQL back → API healthy) against its target', async () => {
  const recovery = back.healthyAt ? secondsBetween(back.pgBackAt, back.healthyAt) : Infinity
  if (back.healthyAt) {
    drill.measure('recoverySeconds', recovery)
    drill.measure('outageSeconds', secondsBetween(outage.at, back.pgBackAt))
  }
  drill.objective({ name: 'healthy again after PostgreSQL returns, without a restart', target: `≤ ${args['recovery-target']} s`, observed: back.healthyAt ? `${recovery} s` : 'never healthy again', passed: recovery <= args['recovery-target'] })
})

process.exitCode = await drill.finish()
