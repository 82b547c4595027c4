#!/usr/bin/env -S node --import=tsx
/**
 * Migration rollback. A populated database at the release before (every migration but the
 * newest) is copied; the newest migration is applied to the copy and verified, then rolled
 * back with its down step and verified again: the schema is as it was and every row the
 * database held before is still there, unchanged. Both are timed. Deploys never roll back this
 * way (migrations are expand/contract, so the previous release runs on the new schema); this
 * proves the down step works for the day a migration itself must be undone.
 */
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { drillArgs } from './lib/args.ts'
import { startDrill } from './lib/drill.ts'
import { appDatabase, createCluster, guardDatabaseUrl, scratchDir } from './lib/clusters.ts'
import { compareFingerprints, fingerprints, seedDataset } from './lib/dataset.ts'
import { secondsBetween } from './lib/progress.ts'
import { migrate, migrationsDir, readMigrations, rollback, schemaSnapshot } from '../app/db/migrate.ts'
import { withDatabase } from '../harness/postgres/database.ts'
import { fail } from '../harness/errors.ts'

const args = drillArgs('migration-rollback', {
  'content-rows': 20000,   // content rows in the populated database
  'migrate-target': 60,    // seconds the newest migration may take on it
  'rollback-target': 60,   // seconds its down step may take
}, ['lossy-down'])
if (guardDatabaseUrl('migration-rollback', args)) throw fail('SHIPCHECK_ERR_DRILL_NEEDS', { drill: 'migration-rollback', what: 'a cluster of its own', hint: 'it copies, migrates and rolls back databases on a cluster it creates; drop --database-url.' })

const all = readMigrations()
const newest = all.at(-1)
if (!newest) throw fail('SHIPCHECK_ERR_DRILL_NEEDS', { drill: 'migration-rollback', what: 'at least one migration', hint: `none found in ${migrationsDir}.` })

const drill = startDrill({
  name: 'migration-rollback',
  title: `Migration rollback: ${newest.name} applied to a copy of a populated database, then rolled back`,
  hypothesis: `${newest.name} applies to a populated copy within ${args['migrate-target']} s and keeps its data; its down step rolls it back within ${args['rollback-target']} s to the schema before, with every row the database held intact.`,
  out: args.out,
  targets: { migrateSeconds: args['migrate-target'], rollbackSeconds: args['rollback-target'] },
  sabotage: args.sabotage,
})

// ─── Steady state ───────────────────────────────────────────────────────────
const steady = await drill.step(`Steady state: a database populated at the release before (${all.length - 1} of ${all.length} migrations, ${args['content-rows']} content rows)`, async (say) => {
  // The migrations as this release ships them; sabotage gives the newest a down step that loses rows.
  const dir = scratchDir(drill, 'migrations')
  for (const m of all) {
    fs.writeFileSync(path.join(dir, m.name), m.sql)
    if (m.down !== undefined) fs.writeFileSync(path.join(dir, m.name.replace(/\.sql$/, '.down.sql')), m.down)
  }
  if (args.sabotage === 'lossy-down') fs.appendFileSync(path.join(dir, newest.name.replace(/\.sql$/, '.down.sql')), '\ndelete from educational_content where id % 10 = 0;\n')
  drill.require({ name: `${newest.name} has a down step`, target: newest.name.replace(/\.sql$/, '.down.sql'), observed: newest.down === undefined ? 'missing' : 'present', passed: newest.down !== undefined })
  const before = scratchDir(drill, 'migrations-before')
  for (const m of all.slice(0, -1)) fs.copyFileSync(path.join(dir, m.name), path.join(before, m.name))

  const cluster = await createCluster(drill, 'db', { say })
  const sourceUrl = await appDatabase(cluster, 'production')
  const source = new pg.Pool({ connectionString: sourceUrl, max: 2 })
  drill.defer('close the source pool', () => source.ended || source.end())
  const applied = await migrate(source, before)
  say(`migrated to the release before: ${applied.join(', ') || '(no migrations before the newest)'}`)
  const seeded = await seedDataset(sourceUrl, args['content-rows'], say)
  say(`seeded ${seeded.users} users, ${seeded.content} content rows, ${seeded.audit} audit rows`)
  drill.context('migration', newest.name)
  drill.context('contentRows', seeded.content)
  return { dir, cluster, source, sourceUrl }
})

// ─── Copy ───────────────────────────────────────────────────────────────────
const copy = await drill.step('Copy: the populated database copied (CREATE DATABASE ... TEMPLATE), the original left alone', async (say) => {
  await steady.source.end()
  const admin = new pg.Client({ connectionString: steady.cluster.url('postgres') })
  await admin.connect()
  const started = Date.now()
  await admin.query('create database drill_copy template production')
  await admin.end()
  say(`copied production → drill_copy in ${secondsBetween(started, Date.now())} s`)
  const pool = new pg.Pool({ connectionString: withDatabase(steady.sourceUrl, 'drill_copy'), max: 2 })
  drill.defer('close the copy pool', () => pool.end())
  const client = await pool.connect()
  const expected = await fingerprints(client)
  client.release()
  const schema = await schemaSnapshot(pool)
  for (const [t, f] of Object.entries(expected)) say(`  ${t.padEnd(22)} ${String(f.rows).padStart(9)} rows  checksum ${f.checksum}`)
  return { pool, expected, schema }
})

// ─── Apply ──────────────────────────────────────────────────────────────────
const up = await drill.step(`Apply: ${newest.name} on the copy`, async (say) => {
  const started = Date.now()
  const applied = await migrate(copy.pool, steady.dir)
  const seconds = secondsBetween(started, Date.now())
  say(`applied ${applied.join(', ')} in ${seconds} s`)
  drill.measure('migrateSeconds', seconds)
  drill.require({ name: 'the newest migration applies', target: newest.name, observed: applied.join(', ') || 'nothing applied', passed: applied.length === 1 && applied[0] === newest.name })
  drill.objective({ name: 'the migration is within its time target', target: `≤ ${args['migrate-target']} s`, observed: `${seconds} s`, passed: seconds <= args['migrate-target'] })
  // Expand/contract: the tables that were there keep every row (schema_migrations gains one).
  const client = await copy.pool.connect()
  const now = await fingerprints(client)
  client.release()
  const kept = Object.fromEntries(Object.entries(now).filter(([t]) => t in copy.expected && t !== 'schema_migrations'))
  const wanted = Object.fromEntries(Object.entries(copy.expected).filter(([t]) => t !== 'schema_migrations'))
  const problems = compareFingerprints(wanted, kept)
  drill.objective({ name: 'the migration keeps existing data', target: 'every pre-existing table unchanged', observed: problems.length ? problems.join('; ') : `${Object.keys(wanted).length} tables unchanged`, passed: problems.length === 0 })
  const added = Object.keys(now).filter((t) => !(t in copy.expected))
  say(`new tables: ${added.join(', ') || 'none'}`)
  return { seconds }
})

// ─── Roll back ──────────────────────────────────────────────────────────────
const down = await drill.step(`Roll back: ${newest.name}'s down step on the copy`, async (say) => {
  const started = Date.now()
  const undone = await rollback(copy.pool, { dir: steady.dir })
  const seconds = secondsBetween(started, Date.now())
  say(`rolled back ${undone.join(', ')} in ${seconds} s`)
  drill.measure('rollbackSeconds', seconds)
  drill.require({ name: 'the newest migration rolls back', target: newest.name, observed: undone.join(', ') || 'nothing rolled back', passed: undone.length === 1 && undone[0] === newest.name })
  drill.objective({ name: 'the rollback is within its time target', target: `≤ ${args['rollback-target']} s`, observed: `${seconds} s`, passed: seconds <= args['rollback-target'] })
  return { seconds }
})

// ─── Verify ─────────────────────────────────────────────────────────────────
await drill.step('Verify: the schema is as before and nothing the database held was lost', async (say) => {
  const schema = await schemaSnapshot(copy.pool)
  const changed = [...new Set([...Object.keys(schema), ...Object.keys(copy.schema)])].filter((t) => JSON.stringify(schema[t]) !== JSON.stringify(copy.schema[t]))
  drill.objective({ name: 'the schema is as before the migration', target: 'tables, columns, constraints and indexes equal', observed: changed.length ? `differs in ${changed.join(', ')}` : `${Object.keys(schema).length} tables equal`, passed: changed.length === 0 })
  const client = await copy.pool.connect()
  const after = await fingerprints(client)
  client.release()
  const problems = compareFingerprints(copy.expected, after).map((p) => p.replace('was not in the backup', 'was not there before').replace('the backup', 'before'))
  for (const [t, f] of Object.entries(after)) say(`  ${t.padEnd(22)} ${String(f.rows).padStart(9)} rows  checksum ${f.checksum}`)
  drill.objective({ name: 'nothing lost', target: 'every table with the rows and checksum it had before', observed: problems.length ? problems.join('; ') : `${Object.keys(after).length} tables identical`, passed: problems.length === 0 })
  say(`apply ${up.seconds} s, roll back ${down.seconds} s`)
})

process.exitCode = await drill.finish()
