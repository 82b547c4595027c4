#!/usr/bin/env -S node --import=tsx
/**
 * Backup freshness: the alarm a quarterly drill alone cannot give. Reads a backup catalog
 * (a folder of pg_dump -Fc files, each dated by a UTC stamp in its name such as
 * shipcheck-20261122T020000Z.dump, else by its modification time) and fails when the newest
 * backup that actually restores is older than the RPO target, when a day of the retention
 * window has no readable backup, or when backups outlive the retention (pruning broken).
 * Without --backups it builds a realistic catalog itself: a real dump of a real cluster,
 * dated one per day over the retention window.
 */
import fs from 'node:fs'
import path from 'node:path'
import { $ } from 'zx'
import pg from 'pg'
import { drillArgs } from './lib/args.ts'
import { startDrill } from './lib/drill.ts'
import { requirePgTools } from './lib/pg-tools.ts'
import { appDatabase, createCluster, embeddedMajor, guardDatabaseUrl, scratchDir } from './lib/clusters.ts'
import { secondsBetween } from './lib/progress.ts'
import { fail } from '../harness/errors.ts'

const args = drillArgs('backup-freshness', {
  backups: '',                // a folder of pg_dump -Fc files; empty = build a catalog here
  'rpo-target': 24 * 3600,    // seconds: the newest restorable backup may be at most this old
  'retention-days': 30,       // every one of these days has a readable backup, none much older
  'daily-at-hours-ago': 1,    // self-made catalog: the newest backup is this many hours old
}, ['stale', 'retention-gap', 'corrupt-newest', 'unpruned'])
if (guardDatabaseUrl('backup-freshness', args)) throw fail('SHIPCHECK_ERR_DRILL_NEEDS', { drill: 'backup-freshness', what: 'a backup folder, not a database', hint: 'pass --backups DIR.' })
if (args.backups && args.sabotage) throw fail('SHIPCHECK_ERR_BAD_FLAG', { command: 'drill backup-freshness', detail: '--sabotage applies to the catalog the drill builds itself, not to --backups' })

const DAY = 24 * 3600 * 1000
// Client tools first: a missing one is a one-line error before anything starts.
const tools = requirePgTools(['pg_dump', 'pg_restore'], embeddedMajor())

const drill = startDrill({
  name: 'backup-freshness',
  title: 'Backup freshness: the newest restorable backup is within RPO and retention is honoured',
  hypothesis: `The newest backup that restores is at most ${args['rpo-target']} s old, each of the last ${args['retention-days']} days has a readable backup, and nothing outlives the retention.`,
  out: args.out,
  targets: { newestBackupAgeSeconds: args['rpo-target'], retentionDays: args['retention-days'] },
  sabotage: args.sabotage,
})
$.verbose = false
$.quiet = true

const stamp = (ms) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
const stampTime = (name) => {
  const m = name.match(/(\d{8}T\d{6}Z)/)
  if (!m) return undefined
  const s = m[1]
  return Date.parse(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`)
}

// ─── Steady state: the backup catalog ───────────────────────────────────────
const catalog = await drill.step(args.backups ? `Steady state: read the backup catalog ${args.backups}` : `Steady state: a cluster, a real pg_dump, and ${args['retention-days']} days of daily backups`, async (say) => {
  let dir = args.backups
  if (!dir) {
    dir = scratchDir(drill, 'catalog')
    const cluster = await createCluster(drill, 'source', { say })
    const url = await appDatabase(cluster)
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    await c.query(`create table lessons as select i as id, md5(i::text) as body from generate_series(1, 5000) i`)
    await c.end()
    const first = path.join(dir, 'latest.dump')
    await $`${tools.pg_dump} -Fc -f ${first} -d ${url}`
    const shift = args.sabotage === 'stale' ? 25 * 3600 * 1000 : 0
    const newest = Date.now() - args['daily-at-hours-ago'] * 3600 * 1000 - shift
    const days = args['retention-days'] + (args.sabotage === 'unpruned' ? 15 : 0)
    for (let d = 0; d < days; d++) {
      if (args.sabotage === 'retention-gap' && d === 12) continue
      const at = newest - d * DAY
      const file = path.join(dir, `shipcheck-${stamp(at)}.dump`)
      fs.copyFileSync(first, file)
      fs.utimesSync(file, at / 1000, at / 1000)
    }
    fs.rmSync(first)
    if (args.sabotage === 'corrupt-newest') {
      const file = path.join(dir, `shipcheck-${stamp(newest)}.dump`)
      fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2))
    }
    say(`${days} daily pg_dump -Fc backups in ${dir}, newest ${stamp(newest)}${args.sabotage ? ` (sabotage: ${args.sabotage})` : ''}`)
  }
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--backups', value: dir, hint: 'Give the folder that holds the pg_dump -Fc backups.' })
  const backups = fs.readdirSync(dir)
    .filter((f) => f.endsWith('.dump'))
    .map((f) => {
      const file = path.join(dir, f)
      return { file, name: f, at: stampTime(f) ?? fs.statSync(file).mtimeMs, bytes: fs.statSync(file).size }
    })
    .sort((a, b) => b.at - a.at)
  say(`${backups.length} backups found; newest ${backups[0]?.name ?? '(none)'}, oldest ${backups.at(-1)?.name ?? '(none)'}`)
  drill.context('backups', backups.length)
  return { dir, backups }
})

// ─── Verify: readable, and the newest that really restores ──────────────────
const readable = await drill.step('Verify: every backup\'s table of contents reads (pg_restore --list)', async (say) => {
  const ok = []
  for (const b of catalog.backups) {
    const r = await $`${tools.pg_restore} --list ${b.file}`.nothrow()
    if (r.exitCode === 0) ok.push(b)
    else say(`unreadable: ${b.name} (${r.stderr.trim().split('\n')[0]})`)
  }
  say(`${ok.length} of ${catalog.backups.length} readable`)
  return ok
})

const newest = await drill.step('Restore test: the newest readable backup into a scratch cluster', async (say) => {
  let cluster
  for (const b of readable) {
    cluster ??= await createCluster(drill, 'restore-check', { say })
    const db = `restore_${catalog.backups.indexOf(b)}`
    const url = await appDatabase(cluster, db)
    const started = Date.now()
    const r = await $`${tools.pg_restore} --exit-on-error --no-owner -d ${url} ${b.file}`.nothrow()
    if (r.exitCode === 0) {
      say(`${b.name} restored in ${secondsBetween(started, Date.now())} s`)
      drill.measure('restoreTestSeconds', secondsBetween(started, Date.now()))
      return b
    }
    say(`${b.name} does not restore: ${r.stderr.trim().split('\n')[0]}`)
  }
  return undefined
})

// ─── Measure ────────────────────────────────────────────────────────────────
await drill.step('Measure: newest restorable backup age, daily coverage, pruning', async (say) => {
  const now = Date.now()
  const age = newest ? secondsBetween(newest.at, now) : Infinity
  if (newest) drill.measure('newestBackupAgeSeconds', age)
  drill.objective({
    name: 'newest restorable backup within RPO',
    target: `≤ ${args['rpo-target']} s old`,
    observed: newest ? `${age} s old (${newest.name})` : 'no backup restores',
    passed: age <= args['rpo-target'],
  })
  const uncovered = []
  for (let d = 0; d < args['retention-days']; d++) {
    const from = now - (d + 1) * DAY, to = now - d * DAY
    if (!readable.some((b) => b.at > from && b.at <= to)) uncovered.push(d)
  }
  say(uncovered.length ? `days without a readable backup (days ago): ${uncovered.join(', ')}` : `every one of the last ${args['retention-days']} days has a readable backup`)
  drill.objective({
    name: 'a readable backup for every day of the retention',
    target: `${args['retention-days']} of ${args['retention-days']} days`,
    observed: `${args['retention-days'] - uncovered.length} of ${args['retention-days']} days`,
    passed: uncovered.length === 0,
    detail: uncovered.length ? `no backup ${uncovered.map((d) => `${d}–${d + 1}`).slice(0, 5).join(', ')} days ago` : undefined,
  })
  const expired = catalog.backups.filter((b) => now - b.at > (args['retention-days'] + 1) * DAY)
  drill.objective({
    name: 'backups past retention are pruned',
    target: `none older than ${args['retention-days'] + 1} days`,
    observed: `${expired.length} older`,
    passed: expired.length === 0,
    detail: expired.length ? `oldest ${expired.at(-1).name}` : undefined,
  })
})

process.exitCode = await drill.finish()
