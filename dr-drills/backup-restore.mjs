#!/usr/bin/env -S node --import=tsx
/**
 * Backup → disaster → restore. Seeds a realistic dataset, takes a pg_dump while writes keep
 * coming, destroys the cluster (server stopped, data directory deleted), restores into a new
 * cluster, checks it with pg_amcheck and per-table counts and checksums, and brings the API
 * back on the restored data.
 *   RTO = disaster declared → API healthy on the restored data.
 *   RPO = newest write committed at the disaster − newest write present after the restore.
 */
import fs from 'node:fs'
import path from 'node:path'
import { $ } from 'zx'
import pg from 'pg'
import { drillArgs } from './lib/args.ts'
import { startDrill } from './lib/drill.ts'
import { requirePgTools } from './lib/pg-tools.ts'
import { appDatabase, createCluster, embeddedMajor, guardDatabaseUrl, scratchDir } from './lib/clusters.ts'
import { ensureDatabase, withDatabase } from '../harness/postgres/database.ts'
import { redactUrl } from '../harness/redact.ts'
import { seedDataset, fingerprints, compareFingerprints } from './lib/dataset.ts'
import { AckedWriter, sleep } from './lib/writer.ts'
import { startApi, probe, waitHealthy } from './lib/api.ts'
import { withProgress, secondsBetween } from './lib/progress.ts'

const args = drillArgs('backup-restore', {
  rows: 100_000,              // content rows to seed (plus 1 user per 50, 1 audit row per 2)
  'write-pause-ms': 5,        // pause between the acknowledged writes that run during the backup
  'after-backup-ms': 500,     // writes keep coming this long after the backup, before the disaster
  jobs: 2,                    // pg_restore parallel jobs
  'rto-target': 4 * 3600,     // seconds: the service promises RTO < 4 h
  'rpo-target': 24 * 3600,    // seconds: and RPO < 24 h (daily backups)
}, ['older-dump', 'drop-table', 'corrupt-index'])
const external = guardDatabaseUrl('backup-restore', args)   // only with --i-know-this-destroys <db>

// Client tools first: a missing one is a one-line error before anything starts.
const tools = requirePgTools(['pg_dump', 'pg_restore', 'pg_amcheck'], embeddedMajor())

const drill = startDrill({
  name: 'backup-restore',
  title: 'Backup and restore: pg_dump under writes, cluster destroyed, restored and verified',
  hypothesis: `A pg_dump taken while writes continue restores into a fresh cluster with every table's rows and content intact and amcheck-clean, and the API serves the restored data within RTO ${args['rto-target']} s and RPO ${args['rpo-target']} s.`,
  out: args.out,
  targets: { rtoSeconds: args['rto-target'], rpoSeconds: args['rpo-target'] },
  sabotage: args.sabotage,
})
$.verbose = false
$.quiet = true

const work = scratchDir(drill, 'backup')
const dumpFile = path.join(work, 'shipcheck.dump')
const dbName = (url) => decodeURIComponent(new URL(url).pathname.slice(1))
const newestWrite = async (client) =>
  (await client.query(`select max(created_at) as at from educational_content`)).rows[0].at?.getTime() ?? 0

// ─── Steady state ───────────────────────────────────────────────────────────
const source = await drill.step(external
  ? `Steady state: the existing database ${redactUrl(external)} (named by --i-know-this-destroys) and the API healthy on it`
  : `Steady state: a cluster with ${args.rows.toLocaleString('en')} content rows and the API healthy on it`, async (say) => {
  const cluster = external ? undefined : await createCluster(drill, 'source', { say })
  const url = external ?? await appDatabase(cluster)
  const api = await startApi(drill, url)     // the API migrates its schema at start
  say(`API up at ${api.url} (pid ${api.pid}); schema migrated`)
  if (cluster) {
    const seeded = await seedDataset(url, args.rows, say)
    say(`seeded ${seeded.content.toLocaleString('en')} content rows, ${seeded.users.toLocaleString('en')} users, ${seeded.audit.toLocaleString('en')} audit rows`)
    drill.context('contentRows', seeded.content)
  } else {
    drill.context('clusterKind', 'external')
    say('using the data already there (no seeding)')
  }
  const health = await waitHealthy(api.url, 30_000)
  if (!health.healthy) throw new Error(`the API on the source cluster is not healthy: HTTP ${health.status}`)
  return { cluster, url, api }
})

// ─── Backup ─────────────────────────────────────────────────────────────────
const writer = new AckedWriter(source.url, `insert into educational_content
    (user_id, topic, content_type, content, provider, quality_score, educational_effectiveness,
     factual_accuracy, quality_passed, generation_duration_ms)
  values (null, 'drill write ' || $1, 'faq', 'written during the backup', 'drill-writer', 0.9, 0.9, 0.9, true, 1)
  returning id`, args['write-pause-ms'])

const backup = await drill.step('Backup: pg_dump -Fc while acknowledged writes continue', async (say) => {
  let olderDump
  if (args.sabotage === 'older-dump') {
    olderDump = path.join(work, 'older.dump')
    await $`${tools.pg_dump} -Fc -f ${olderDump} -d ${source.url}`
    say('sabotage: also took an older dump before the writes began; the restore will use it')
  }
  await writer.start()
  await sleep(200)
  // One exported snapshot serves both pg_dump and the fingerprints, so they describe the same data.
  const snap = new pg.Client({ connectionString: source.url })
  await snap.connect()
  await snap.query('begin isolation level repeatable read read only')
  const snapshot = (await snap.query('select pg_export_snapshot() as id')).rows[0].id
  const started = Date.now()
  const writesBefore = writer.acks.length
  const dump = $`${tools.pg_dump} -Fc --snapshot=${snapshot} -f ${dumpFile} -d ${source.url}`
  const expected = await fingerprints(snap)
  const newestInBackup = await newestWrite(snap)
  await withProgress(dump, say, 'pg_dump running')
  await snap.query('commit')
  await snap.end()
  const seconds = secondsBetween(started, Date.now())
  const bytes = fs.statSync(dumpFile).size
  say(`pg_dump -Fc → ${dumpFile} (${(bytes / 1e6).toFixed(1)} MB) in ${seconds} s; ${writer.acks.length - writesBefore} writes acknowledged meanwhile`)
  for (const [t, f] of Object.entries(expected)) say(`  ${t.padEnd(22)} ${String(f.rows).padStart(9)} rows  checksum ${f.checksum}`)
  drill.measure('backupSeconds', seconds)
  drill.context('dumpBytes', bytes)
  return { expected, newestInBackup, restoreFrom: olderDump ?? dumpFile }
})

// ─── Disaster ───────────────────────────────────────────────────────────────
const disaster = await drill.step('Disaster: the cluster is destroyed (server stopped, data directory deleted)', async (say) => {
  await sleep(args['after-backup-ms'])
  await writer.stop()
  const client = new pg.Client({ connectionString: source.url })
  await client.connect()
  const newestCommitted = await newestWrite(client)
  await client.end()
  const declaredAt = Date.now()
  say(`disaster declared at ${new Date(declaredAt).toISOString()}; ${writer.acks.length} writes were acknowledged since the backup began (${writer.failures} failed)`)
  await source.api.stop()
  if (source.cluster) {
    await source.cluster.destroy()
    if (fs.existsSync(source.cluster.dataDir)) throw new Error(`${source.cluster.dataDir} still exists`)
    say(`stopped PostgreSQL and the API, deleted ${source.cluster.dataDir}`)
  } else {
    // Someone else's server: the disaster is losing the database, not the server.
    const admin = new pg.Client({ connectionString: withDatabase(external, 'postgres') })
    await admin.connect()
    await admin.query(`drop database ${pg.escapeIdentifier(dbName(external))} with (force)`)
    await admin.end()
    say(`stopped the API and dropped database ${dbName(external)}`)
  }
  return { declaredAt, newestCommitted }
})

// ─── Restore ────────────────────────────────────────────────────────────────
const restored = await drill.step('Restore: a fresh cluster from the dump (pg_restore)', async (say) => {
  const cluster = external ? undefined : await createCluster(drill, 'restored', { say })
  const url = external ? await ensureDatabase(withDatabase(external, 'postgres'), dbName(external)) : await appDatabase(cluster)
  const started = Date.now()
  await withProgress($`${tools.pg_restore} --exit-on-error --no-owner -j ${args.jobs} -d ${url} ${backup.restoreFrom}`, say, 'pg_restore running')
  say(`pg_restore -j ${args.jobs} into ${redactUrl(url)} in ${secondsBetween(started, Date.now())} s`)
  drill.measure('restoreSeconds', secondsBetween(started, Date.now()))
  if (args.sabotage === 'drop-table') {
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    await c.query('drop table audit_log')
    await c.end()
    say('sabotage: dropped audit_log after the restore')
  }
  if (args.sabotage === 'corrupt-index') {
    if (!cluster) throw new Error('--sabotage corrupt-index needs a cluster of the drill\'s own')
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    const file = path.join(cluster.dataDir, (await c.query(`select pg_relation_filepath('educational_content_pkey') as p`)).rows[0].p)
    await c.end()
    await cluster.stop()
    const fd = fs.openSync(file, 'r+')
    fs.writeSync(fd, Buffer.alloc(8192), 0, 8192, 8192)    // block 1 of the primary-key index, zeroed
    fs.closeSync(fd)
    await cluster.start()
    say('sabotage: zeroed block 1 of educational_content_pkey on disk')
  }
  return { cluster, url }
})

// ─── Verify ─────────────────────────────────────────────────────────────────
await drill.step('Verify: pg_amcheck --heapallindexed, then row counts and checksums against the backup', async (say) => {
  const c = new pg.Client({ connectionString: restored.url })
  await c.connect()
  await c.query('create extension if not exists amcheck')
  const started = Date.now()
  const u = new URL(restored.url)
  const amcheck = await $({ env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) } })`${tools.pg_amcheck} --heapallindexed --host=${u.hostname} --port=${u.port || '5432'} --username=${decodeURIComponent(u.username) || 'postgres'} --database=${dbName(restored.url)}`.nothrow()
  say(`pg_amcheck --heapallindexed: exit ${amcheck.exitCode} in ${secondsBetween(started, Date.now())} s`)
  drill.objective({
    name: 'restored heap and indexes are consistent',
    target: 'pg_amcheck --heapallindexed exits 0',
    observed: `exit ${amcheck.exitCode}`,
    passed: amcheck.exitCode === 0,
    detail: amcheck.exitCode === 0 ? undefined : (amcheck.stdout + amcheck.stderr).trim().split('\n').slice(0, 3).join(' | '),
  })
  await c.query('begin isolation level repeatable read read only')
  const actual = await fingerprints(c)
  await c.query('commit')
  await c.end()
  const problems = compareFingerprints(backup.expected, actual)
  const tables = Object.keys(backup.expected).length
  drill.objective({
    name: 'restored data matches the backup',
    target: `${tables} tables, row counts and content checksums equal`,
    observed: problems.length ? `${problems.length} of ${tables} tables differ` : `${tables} of ${tables} tables equal`,
    passed: problems.length === 0,
    detail: problems.join('; ') || undefined,
  })
})

// ─── Recover the service ────────────────────────────────────────────────────
const service = await drill.step('Recover the service: the API on the restored database, then the API smoke', async (say) => {
  const api = await startApi(drill, restored.url)
  const health = await waitHealthy(api.url, 60_000)
  const healthyAt = Date.now()
  say(`API at ${api.url} healthy (HTTP ${health.status}) ${secondsBetween(disaster.declaredAt, healthyAt)} s after the disaster was declared`)
  const c = new pg.Client({ connectionString: restored.url })
  await c.connect()
  const sample = (await c.query(`select id, topic from educational_content order by id desc limit 1`)).rows[0]
  await c.end()
  const checks = []
  const live = await probe(`${api.url}/health`)
  checks.push(['GET /health → 200', live.status === 200])
  checks.push(['GET /api/v1/health → 200 "healthy"', health.status === 200])
  const read = sample ? await probe(`${api.url}/api/v1/content/${sample.id}`, { apiKey: api.apiKey }) : undefined
  checks.push([`GET /api/v1/content/${sample?.id} (bearer) → 200 with the restored topic`, read?.status === 200 && JSON.stringify(read.body ?? {}).includes(sample.topic)])
  const anon = sample ? await probe(`${api.url}/api/v1/content/${sample.id}`) : undefined
  checks.push(['the same read without a token → 401', anon?.status === 401])
  const list = await probe(`${api.url}/api/v1/content?limit=5`, { apiKey: api.apiKey })
  checks.push(['GET /api/v1/content?limit=5 → 200', list.status === 200])
  for (const [name, ok] of checks) say(`${ok ? 'ok  ' : 'FAIL'} ${name}`)
  const failed = checks.filter(([, ok]) => !ok)
  drill.objective({
    name: 'API serves the restored data',
    target: `${checks.length} smoke checks pass`,
    observed: `${checks.length - failed.length} of ${checks.length} passed`,
    passed: health.healthy && failed.length === 0,
    detail: failed.map(([n]) => n).join('; ') || undefined,
  })
  return { healthyAt: health.healthy ? healthyAt : undefined }
})

// ─── Measure ────────────────────────────────────────────────────────────────
await drill.step('Measure: RTO and RPO against their targets', async (say) => {
  const c = new pg.Client({ connectionString: restored.url })
  await c.connect()
  const newestRestored = await newestWrite(c)
  await c.end()
  const rto = service.healthyAt ? secondsBetween(disaster.declaredAt, service.healthyAt) : Infinity
  const rpo = secondsBetween(newestRestored, disaster.newestCommitted)
  say(`newest write committed at the disaster ${new Date(disaster.newestCommitted).toISOString()}, newest after the restore ${new Date(newestRestored).toISOString()}`)
  if (Number.isFinite(rto)) drill.measure('rtoSeconds', rto)
  drill.measure('rpoSeconds', rpo)
  drill.objective({ name: 'RTO', target: `≤ ${args['rto-target']} s`, observed: Number.isFinite(rto) ? `${rto} s` : 'API never healthy', passed: rto <= args['rto-target'] })
  drill.objective({ name: 'RPO', target: `≤ ${args['rpo-target']} s`, observed: `${rpo} s`, passed: rpo <= args['rpo-target'] })
})

process.exitCode = await drill.finish()
