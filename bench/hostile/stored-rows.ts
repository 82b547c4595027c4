/** A checksum of every row the API stores, so "no row altered" is a comparison of two strings. */
import type pg from 'pg';

const TABLES = ['users', 'educational_content', 'audit_log'];

export async function storedRowsChecksum(db: pg.Client | pg.Pool): Promise<string> {
  const parts = TABLES.map((t) => `(select count(*) || ':' || coalesce(md5(string_agg(r::text, '|' order by r::text)), '') from ${t} r)`);
  const { rows } = await db.query(`select ${parts.join(" || ' ' || ")} as sum`);
  return rows[0].sum as string;
}
