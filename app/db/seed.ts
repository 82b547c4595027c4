/**
 * Seeds N content rows (all 8 types, a few users) so reads have something to read without
 * paying for N generations. Rows are scored by the same quality assessment as real ones.
 */
import type pg from 'pg';
import { CONTENT_TYPES, type AppConfig } from '../config.ts';
import { renderContent } from '../generation/local-provider.ts';
import { assessQuality } from '../generation/quality.ts';

const TOPICS = ['photosynthesis', 'the water cycle', 'binary search', 'supply and demand', 'plate tectonics', 'the French Revolution', 'probability', 'cell division'];
const AUDIENCES = ['general', 'beginner', 'intermediate', 'advanced'] as const;

/** Inserts `count` rows in batches; returns the ids inserted, ascending. */
export async function seedContent(pool: pg.Pool, count: number, quality: AppConfig['quality']): Promise<number[]> {
  const ids: number[] = [];
  const users = ['seed-user-1', 'seed-user-2', 'seed-user-3'];
  await pool.query('insert into users (id) select unnest($1::text[]) on conflict (id) do nothing', [users]);
  for (let start = 0; start < count; start += 500) {
    const cols: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
    for (let i = start; i < Math.min(count, start + 500); i++) {
      const topic = TOPICS[i % TOPICS.length];
      const contentType = CONTENT_TYPES[i % CONTENT_TYPES.length];
      const audienceLevel = AUDIENCES[i % AUDIENCES.length];
      const content = renderContent({ topic, contentType, audienceLevel });
      const q = assessQuality(content, topic, contentType, quality);
      const row = [users[i % users.length], topic, contentType, audienceLevel, content, 'local', q.quality_score, q.educational_effectiveness, q.factual_accuracy, q.quality_passed, 20 + (i % 40)];
      row.forEach((v, c) => cols[c].push(v));
    }
    const { rows } = await pool.query(
      `insert into educational_content (user_id, topic, content_type, audience_level, content, provider, quality_score,
         educational_effectiveness, factual_accuracy, quality_passed, generation_duration_ms)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::real[], $8::real[], $9::real[], $10::boolean[], $11::int[])
       returning id`, cols);
    for (const r of rows) ids.push(r.id as number);
  }
  return ids.sort((a, b) => a - b);
}
