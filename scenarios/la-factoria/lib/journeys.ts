/**
 * What La Factoria's educators do in its own scripts: open the library, read a piece,
 * generate one and record the quality it came back with (the service's product, not only
 * its speed).
 */
import { check } from 'k6';
import { Rate, Trend } from 'k6/metrics';
import { call, jsonOf } from './api.ts';
import { think } from '../../lib/pause.ts';
import { AUDIENCE_LEVELS, CONTENT_TYPES, pick, ROUTES, TOPICS, type ContentType } from './routes.ts';

/** Quality of what the generator returned: the service's product, not only its speed. */
export const contentQuality = new Trend('content_quality_score');
/** Share of generated pieces that met every quality threshold (overall, educational, factual). */
export const qualityPassed = new Rate('content_quality_passed');

interface ContentItem { id: number | string; content_type?: string; content?: string }
interface ContentPage { items?: ContentItem[] }
interface Generated extends ContentItem {
  quality_score?: number;
  educational_effectiveness?: number;
  factual_accuracy?: number;
  quality_passed?: boolean;
}

/** Tags added to every request of a journey (for example the spike phase). */
export type JourneyTags = Record<string, string>;

/** Opens the library (optionally filtered by type) and returns the items on the page. */
export async function listContent(key: string, tags: JourneyTags = {}, type?: ContentType): Promise<ContentItem[]> {
  const res = await call('GET', ROUTES.contentList, { key, query: { content_type: type, limit: 20 }, tags });
  const page = jsonOf<ContentPage>(res);
  check(res, {
    'content list: 200': (r) => r.status === 200,
    'content list: JSON page of items': () => Array.isArray(page?.items),
  }, tags);
  return page?.items ?? [];
}

/** Opens one piece of content. */
export async function readContent(key: string, id: number | string, tags: JourneyTags = {}): Promise<void> {
  const res = await call('GET', ROUTES.contentItem, { key, params: { id }, tags });
  const item = jsonOf<ContentItem>(res);
  check(res, {
    'content item: 200': (r) => r.status === 200,
    'content item: has the content': () => typeof item?.content === 'string' && item.content.length > 0,
  }, tags);
}

/** Generates one piece of content and records its quality. Returns its id when stored. */
export async function generateContent(key: string, tags: JourneyTags = {}, type: ContentType = pick(CONTENT_TYPES)): Promise<number | string | undefined> {
  const res = await call('POST', ROUTES.generate, {
    key,
    slo: 'generation',
    tags,
    timeout: '90s',
    json: { topic: pick(TOPICS), content_type: type, audience_level: pick(AUDIENCE_LEVELS) },
  });
  const body = jsonOf<Generated>(res);
  check(res, {
    'generate: 201 created': (r) => r.status === 201,
    'generate: scored content': () => typeof body?.quality_score === 'number' && typeof body?.content === 'string',
  }, tags);
  if (body && typeof body.quality_score === 'number') {
    contentQuality.add(body.quality_score, { content_type: type });
    qualityPassed.add(body.quality_passed === true, { content_type: type });
  }
  return res.status === 201 ? body?.id : undefined;
}

/**
 * An educator browsing: opens the library, maybe filters by a type, reads a piece or two.
 * The most common journey by far.
 */
export async function educatorBrowses(key: string, tags: JourneyTags = {}): Promise<void> {
  let items = await listContent(key, tags);
  await think(2, 5);
  if (Math.random() < 0.4) {
    items = await listContent(key, tags, pick(CONTENT_TYPES));
    await think(1, 3);
  }
  if (items.length > 0) {
    await readContent(key, pick(items).id, tags);
    await think(5, 15);
  }
  if (items.length > 1 && Math.random() < 0.5) {
    await readContent(key, pick(items).id, tags);
    await think(5, 15);
  }
}
