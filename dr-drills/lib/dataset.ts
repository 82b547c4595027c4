/**
 * The drill dataset: users, educational content and audit rows in the included API's own
 * schema (the API creates it by migrating at start), seeded in bulk with generate_series,
 * and fingerprints — row count plus an order-independent content checksum per table — that
 * prove a restore brought back exactly what the backup held.
 */
import pg from 'pg';

export interface TableFingerprint { rows: number; checksum: string }
export type Fingerprints = Record<string, TableFingerprint>;

const CONTENT_TYPES = ['master_outline', 'podcast_script', 'study_guide', 'one_pager_summary', 'detailed_reading', 'faq', 'flashcards', 'reading_questions'];
const BATCH = 50_000;

/**
 * Seeds `contentRows` content rows spread over the last 30 days, one user per 50 rows and one
 * audit row per 2 content rows, in batches (a progress line per batch).
 */
export async function seedDataset(url: string, contentRows: number, say: (line: string) => void): Promise<{ users: number; content: number; audit: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const users = Math.max(10, Math.ceil(contentRows / 50));
    await client.query(`insert into users (id, created_at)
      select 'drill-user-' || i, now() - interval '30 days' + (i * interval '1 second')
      from generate_series(1, $1::int) i on conflict do nothing`, [users]);
    // A schema from before the audit log (the migration-rollback drill seeds one) gets no audit rows.
    const withAudit = (await client.query("select to_regclass('public.audit_log') as t")).rows[0].t !== null;
    let done = 0;
    const started = Date.now();
    while (done < contentRows) {
      const n = Math.min(BATCH, contentRows - done);
      await client.query(`insert into educational_content
          (user_id, topic, content_type, audience_level, content, provider, quality_score,
           educational_effectiveness, factual_accuracy, quality_passed, generation_duration_ms, created_at)
        select 'drill-user-' || (1 + i % $3::int),
               'Topic ' || i || ': ' || left(md5(i::text), 12),
               ($4::text[])[1 + i % 8],
               (array['general','beginner','intermediate','advanced'])[1 + i % 4],
               'Lesson ' || i || '. ' || md5(i::text) || ' ' || md5((i * 7)::text) || ' ' || md5((i * 13)::text),
               'drill-seed',
               0.70 + (i % 30) / 100.0, 0.75 + (i % 25) / 100.0, 0.85 + (i % 15) / 100.0, true,
               20 + i % 80,
               now() - interval '30 days' + (i * interval '20 ms')
        from generate_series($1::int + 1, $1::int + $2::int) i`, [done, n, users, CONTENT_TYPES]);
      if (withAudit) await client.query(`insert into audit_log (action, subject_type, subject_id, details, created_at)
        select 'content.generate', 'content', (i * 2)::text, jsonb_build_object('seed', true, 'batch', $1::int),
               now() - interval '30 days' + (i * interval '40 ms')
        from generate_series($1::int / 2 + 1, ($1::int + $2::int) / 2) i`, [done, n]);
      done += n;
      if (contentRows > BATCH) say(`seeded ${done.toLocaleString('en')} / ${contentRows.toLocaleString('en')} content rows (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    await client.query('analyze');
    const audit = withAudit ? Number((await client.query('select count(*) from audit_log')).rows[0].count) : 0;
    return { users, content: contentRows, audit };
  } finally {
    await client.end();
  }
}

/** The tables a fingerprint covers: every base table of the public schema. */
export async function userTables(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select table_name as name from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
  return rows.map((r) => r.name);
}

/**
 * Row count and an order-independent checksum (sum of 60-bit prefixes of each row's md5) per
 * table, read in `client`'s current snapshot. Timestamps are rendered in UTC so two servers
 * with different time zones agree.
 */
export async function fingerprints(client: pg.ClientBase): Promise<Fingerprints> {
  await client.query(`set local timezone = 'UTC'`).catch(() => client.query(`set timezone = 'UTC'`));
  const out: Fingerprints = {};
  for (const table of await userTables(client)) {
    const t = pg.escapeIdentifier(table);
    const { rows } = await client.query<{ n: string; sum: string }>(
      `select count(*) as n, coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0)::text as sum from public.${t} t`);
    out[table] = { rows: Number(rows[0].n), checksum: rows[0].sum };
  }
  return out;
}

/** Tables whose count or checksum differ between `expected` and `actual`, one phrase each. */
export function compareFingerprints(expected: Fingerprints, actual: Fingerprints): string[] {
  const problems: string[] = [];
  for (const [table, e] of Object.entries(expected)) {
    const a = actual[table];
    if (!a) problems.push(`${table} is missing`);
    else if (a.rows !== e.rows) problems.push(`${table} has ${a.rows} rows, the backup ${e.rows}`);
    else if (a.checksum !== e.checksum) problems.push(`${table} content checksum differs (${a.rows} rows)`);
  }
  for (const table of Object.keys(actual)) if (!expected[table]) problems.push(`${table} was not in the backup`);
  return problems;
}
