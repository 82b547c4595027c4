#!/usr/bin/env -S node --import=tsx
/**
 * Point-in-time recovery. WAL streams to an archive with pg_receivewal --synchronous, a base
 * backup is taken with pg_basebackup and checked with pg_verifybackup, and a writer keeps
 * committing rows, each recorded with when it was sent and acknowledged. At a known instant
 * a destructive statement wipes a table; the cluster is then lost. Recovery replays the
 * archive into a new cluster up to recovery_target_time = that instant.
 *   Every write acknowledged before the target must be back, none sent after it, and the
 *   wiped table whole. RPO = target − newest write present after recovery (goal ≤ 1 s).
 */
import fs from 'node:fs'
import path from 'node:path'
import { $ } from 'zx'
import pg from 'pg'
import { drillArgs } from './lib/args.ts'
import { startDrill } from './lib/drill.ts'
import { requirePgTools } from './lib/pg-tools.ts'
import { createCluster, embeddedMajor, giveToServer, guardDatabaseUrl, scratchDir } from './lib/clusters.ts'
import { AckedWriter, sleep } from './lib/writer.ts'
import { withProgress, secondsBetween, stopProcess } from './lib/progress.ts'
import { fail } from '../harness/errors.ts'

const args = drillArgs('pitr', {
  'lesson-rows': 10_000,      // rows in the table the disaster wipes
  'write-seconds': 3,         // acknowledged writes before the disaster
  'after-seconds': 1,         // writes keep coming this long after it
  'write-pause-ms': 10,       // pause between writes
  'rpo-target': 1,            // seconds
  'rto-target': 4 * 3600,     // seconds: the service's RTO
}, ['late-target', 'missing-wal'])
if (guardDatabaseUrl('pitr', args)) throw fail('SHIPCHECK_ERR_DRILL_NEEDS', { drill: 'pitr', what: 'a cluster of its own', hint: 'it streams WAL and replaces the cluster, so it never runs against --database-url.' })

// Client tools first: a missing one is a one-line error before anything starts.
const tools = requirePgTools(['pg_basebackup', 'pg_verifybackup', 'pg_receivewal'], embeddedMajor())

const drill = startDrill({
  name: 'pitr',
  title: 'Point-in-time recovery: base backup + streamed WAL, recovered to the instant before a destructive statement',
  hypothesis: `Recovering a verified base backup and the streamed WAL to recovery_target_time brings back every write acknowledged before the target and nothing after it, with RPO ≤ ${args['rpo-target']} s.`,
  out: args.out,
  targets: { rpoSeconds: args['rpo-target'], rtoSeconds: args['rto-target'] },
  sabotage: args.sabotage,
})
$.verbose = false
$.quiet = true

/** Seconds a wait may see no progress at all before the drill calls it stuck. */
const STALL_SECONDS = 30

/**
 * Polls `probe` until it says done; any change of its position (an LSN) counts as progress and
 * restarts the stall clock, so a slow disk is waited for and only a stuck one fails the step.
 */
async function waitWhileAdvancing(say, what, probe) {
  let { done, at } = await probe()
  let movedAt = Date.now()
  let saidAt = Date.now()
  while (!done) {
    await sleep(20)
    const now = await probe()
    if (now.at !== at) movedAt = Date.now()
    ;({ done, at } = now)
    if (done) break
    if (Date.now() - movedAt > STALL_SECONDS * 1000) throw new Error(`${what}: no progress for ${STALL_SECONDS} s, stuck at ${at}`)
    if (Date.now() - saidAt > 5000) { say(`${what}: at ${at}`); saidAt = Date.now() }
  }
}

const work = scratchDir(drill, 'pitr')
const archive = path.join(work, 'wal-archive')
const base = path.join(work, 'base')

// ─── Steady state ───────────────────────────────────────────────────────────
const source = await drill.step(`Steady state: a cluster with ${args['lesson-rows'].toLocaleString('en')} lesson rows and a write log`, async (say) => {
  const cluster = await createCluster(drill, 'source', { say, settings: { wal_level: 'replica', max_wal_senders: '4' } })
  const url = cluster.url('postgres')
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  await c.query(`create table lessons (id bigint primary key, title text not null, body text not null)`)
  await c.query(`insert into lessons select i, 'Lesson ' || i, md5(i::text) from generate_series(1, $1::int) i`, [args['lesson-rows']])
  await c.query(`create table drill_writes (id bigint generated always as identity primary key, seq int not null,
                   written_at timestamptz not null default clock_timestamp())`)
  await c.end()
  say(`created lessons (${args['lesson-rows']} rows) and drill_writes`)
  return { cluster, url }
})

// ─── Backup ─────────────────────────────────────────────────────────────────
const receiver = await drill.step('Backup: stream WAL with pg_receivewal --synchronous, then pg_basebackup verified by pg_verifybackup', async (say) => {
  fs.mkdirSync(archive)
  await $`${tools.pg_receivewal} --create-slot --slot=drill_archive -d ${source.url}`
  const proc = $`${tools.pg_receivewal} -D ${archive} --slot=drill_archive --synchronous --no-loop -d ${source.url}`.nothrow()
  drill.defer('stop pg_receivewal', () => stopProcess(proc))
  say(`pg_receivewal streaming into ${archive} (slot drill_archive, synchronous flush)`)
  const started = Date.now()
  await withProgress($`${tools.pg_basebackup} -D ${base} -Fp -X stream -c fast -d ${source.url}`, say, 'pg_basebackup running')
  say(`pg_basebackup → ${base} in ${secondsBetween(started, Date.now())} s`)
  const verify = await $`${tools.pg_verifybackup} ${base}`.nothrow()
  say(`pg_verifybackup: ${(verify.stdout + verify.stderr).trim().split('\n').pop()}`)
  drill.require({ name: 'base backup verifies', target: 'pg_verifybackup exits 0', observed: `exit ${verify.exitCode}`, passed: verify.exitCode === 0 })
  return { proc }   // wrapped: returning the process itself would wait for it to end
})

// ─── Writes, then the disaster at a known instant ──────────────────────────
const writer = new AckedWriter(source.url, 'insert into drill_writes (seq) values ($1) returning id', args['write-pause-ms'])
const disaster = await drill.step(`Disaster: ${args['write-seconds']} s of acknowledged writes, then "truncate lessons" at a known instant, then the cluster is lost`, async (say) => {
  await writer.start()
  await sleep(args['write-seconds'] * 1000)
  const at = Math.floor(Date.now())          // the instant recovery must return to
  const c = new pg.Client({ connectionString: source.url })
  await c.connect()
  await c.query('truncate lessons')
  say(`${writer.acks.length} writes acknowledged; "truncate lessons" issued at ${new Date(at).toISOString()}`)
  await sleep(args['after-seconds'] * 1000)
  await writer.stop()
  // Everything committed must be in the archive before the primary is lost. A slow, busy disk
  // (right after a 1M-row restore, say) only makes that take longer: wait while the flushed
  // position advances, and give up only when it has stood still for STALL_SECONDS.
  const lsn = (await c.query('select pg_current_wal_lsn() as lsn')).rows[0].lsn
  await waitWhileAdvancing(say, `pg_receivewal flushing to ${lsn}`, async () => {
    const { rows } = await c.query(`select flush_lsn::text as at, flush_lsn >= $1::pg_lsn as done from pg_stat_replication where application_name = 'pg_receivewal'`, [lsn])
    return { done: Boolean(rows[0]?.done), at: rows[0]?.at ?? '(pg_receivewal not connected)' }
  })
  await c.end()
  say(`${writer.acks.length} writes acknowledged in all (${writer.failures} failed); archive flushed to ${lsn}`)
  await stopProcess(receiver.proc)
  await source.cluster.kill()
  await source.cluster.destroy()
  const declaredAt = Date.now()
  say(`primary killed (SIGKILL) and its data directory deleted`)
  return { at, declaredAt }
})

// ─── Restore ────────────────────────────────────────────────────────────────
const target = args.sabotage === 'late-target' ? disaster.at + args['after-seconds'] * 500 : disaster.at
const restored = await drill.step(`Restore: base backup + WAL archive into a new cluster, recovery_target_time = ${new Date(target).toISOString()}`, async (say) => {
  // pg_receivewal keeps the segment it is writing as .partial; recovery reads it under its own name.
  for (const f of fs.readdirSync(archive)) {
    if (f.endsWith('.partial')) fs.copyFileSync(path.join(archive, f), path.join(archive, f.slice(0, -'.partial'.length)))
  }
  if (args.sabotage === 'missing-wal') {
    const newest = fs.readdirSync(archive).filter((f) => /^[0-9A-F]{24}$/.test(f)).sort().pop()
    fs.rmSync(path.join(archive, newest))
    fs.rmSync(path.join(archive, `${newest}.partial`), { force: true })
    say(`sabotage: deleted the newest WAL segment ${newest} from the archive`)
  }
  await giveToServer(source.cluster, archive)
  if (args.sabotage === 'late-target') say(`sabotage: recovery target set ${args['after-seconds'] * 0.5} s after the disaster`)
  const started = Date.now()
  let cluster
  try {
    cluster = await createCluster(drill, 'recovered', {
      say,
      fromDataDir: base,
      files: { 'recovery.signal': '' },
      settings: {
        restore_command: `cp ${archive}/%f %p`,
        recovery_target_time: new Date(target).toISOString().replace('T', ' ').replace('Z', '+00'),
        recovery_target_action: 'promote',
      },
    })
  } catch (e) {
    drill.require({ name: 'recovery reaches the target time', target: 'the server replays WAL up to the target and promotes', observed: 'recovery stopped early', passed: false, detail: e.message.split('\n').slice(0, 2).join(' ') })
  }
  const c = new pg.Client({ connectionString: cluster.url('postgres') })
  await c.connect()
  // Replay, like the flush above, is judged by progress (the replayed position), not a clock.
  await waitWhileAdvancing(say, 'WAL replay', async () => {
    const { rows } = await c.query('select pg_is_in_recovery() as r, pg_last_wal_replay_lsn()::text as at')
    return { done: !rows[0].r, at: rows[0].at ?? '(nothing replayed yet)' }
  })
  await c.end()
  const seconds = secondsBetween(started, Date.now())
  say(`recovered and promoted in ${seconds} s`)
  drill.measure('recoverySeconds', seconds)
  drill.measure('rtoSeconds', secondsBetween(disaster.declaredAt, Date.now()))
  return cluster
})

// ─── Verify ─────────────────────────────────────────────────────────────────
const present = await drill.step('Verify: writes acknowledged before the disaster present, none sent after it; the wiped table whole', async (say) => {
  const c = new pg.Client({ connectionString: restored.url('postgres') })
  await c.connect()
  const ids = new Set((await c.query('select id from drill_writes')).rows.map((r) => Number(r.id)))
  const lessons = Number((await c.query('select count(*) as n from lessons')).rows[0].n)
  // No write present at all leaves RPO unmeasured (undefined), never a figure made from 0.
  const newest = (await c.query('select max(written_at) as at from drill_writes')).rows[0].at?.getTime()
  await c.end()
  // Judged against the disaster instant — the point the recovery was meant to return to.
  const before = writer.acks.filter((w) => w.ackAt < disaster.at)
  const after = writer.acks.filter((w) => w.sentAt > disaster.at)
  const straddling = writer.acks.length - before.length - after.length
  const lost = before.filter((w) => !ids.has(w.id))
  const resurrected = after.filter((w) => ids.has(w.id))
  say(`${writer.acks.length} acknowledged writes: ${before.length} before the disaster, ${after.length} after, ${straddling} in flight at the disaster (either way is correct)`)
  drill.objective({ name: 'zero acknowledged writes lost', target: `all ${before.length} writes acknowledged before the disaster present`, observed: `${lost.length} missing`, passed: lost.length === 0, detail: lost.length ? `first missing id ${lost[0].id}` : undefined })
  drill.objective({ name: 'nothing after the disaster', target: `none of the ${after.length} writes sent after the disaster present`, observed: `${resurrected.length} present`, passed: resurrected.length === 0 })
  drill.objective({ name: 'the wiped table is back', target: `lessons has ${args['lesson-rows']} rows`, observed: `${lessons} rows`, passed: lessons === args['lesson-rows'] })
  drill.context('lostAcknowledgedWrites', lost.length)
  return { newest }
})

// ─── Measure ────────────────────────────────────────────────────────────────
await drill.step('Measure: RPO (disaster instant − newest write present) and recovery time', async (say) => {
  if (present.newest === undefined) {
    say('no write is present after recovery, so RPO has no newest write to measure from')
    drill.objective({ name: 'RPO', target: `≤ ${args['rpo-target']} s`, observed: 'not measured (no write present after recovery)', passed: false })
  } else {
    const rpo = Math.max(0, secondsBetween(present.newest, disaster.at))
    say(`newest write present ${new Date(present.newest).toISOString()}, disaster at ${new Date(disaster.at).toISOString()}`)
    drill.measure('rpoSeconds', rpo)
    drill.objective({ name: 'RPO', target: `≤ ${args['rpo-target']} s`, observed: `${rpo} s`, passed: rpo <= args['rpo-target'] })
  }
  const rto = drill.journal.measurements.rtoSeconds
  drill.objective({ name: 'RTO', target: `≤ ${args['rto-target']} s`, observed: `${rto} s`, passed: rto <= args['rto-target'] })
})

process.exitCode = await drill.finish()
