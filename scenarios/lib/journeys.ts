/**
 * What real users do, step by step, with the pauses between steps that make 500 users 500
 * users and not 500 tight loops. Each journey is one iteration's worth of work for one user.
 */
import { check } from 'k6';
import { Rate, Trend } from 'k6/metrics';
import { call, jsonOf, type ApiResponse } from './api.ts';
import { think } from './pause.ts';
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

const isJson = (r: ApiResponse) => String(r.headers['Content-Type'] ?? '').includes('application/json');

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

/** An educator generating material for a lesson, then reading what came back. */
export async function educatorGenerates(key: string, tags: JourneyTags = {}): Promise<void> {
  await listContent(key, tags);
  await think(2, 6);
  const id = await generateContent(key, tags);
  await think(5, 15);
  if (id !== undefined) {
    await readContent(key, id, tags);
    await think(3, 8);
  }
}

/** An educator (or their lead) looking at how good the generated material has been. */
export async function educatorReadsQuality(key: string, tags: JourneyTags = {}): Promise<void> {
  const edu = await call('GET', ROUTES.educationalMetrics, { key, tags });
  check(edu, {
    'educational metrics: 200': (r) => r.status === 200,
    'educational metrics: JSON': isJson,
  }, tags);
  await think(5, 10);
  const m = await call('GET', ROUTES.metrics, { key, tags });
  check(m, { 'metrics: 200': (r) => r.status === 200 }, tags);
  await think(3, 8);
}

/**
 * An operator's dashboard and the orchestrator's probes: liveness, readiness with its
 * dependency checks, the detailed view and the Prometheus scrape.
 */
export async function operatorPolls(key: string, tags: JourneyTags = {}): Promise<void> {
  const live = await call('GET', ROUTES.liveness, { slo: 'health', tags });
  check(live, { 'liveness: 200': (r) => r.status === 200 }, tags);
  const ready = await call('GET', ROUTES.health, { slo: 'health', tags });
  check(ready, { 'health: 200 (all checks up)': (r) => r.status === 200 }, tags);
  await think(1, 2);
  const detailed = await call('GET', ROUTES.healthDetailed, { key, slo: 'health', tags });
  check(detailed, { 'detailed health: 200': (r) => r.status === 200 }, tags);
  const prom = await call('GET', ROUTES.prometheus, { tags });
  check(prom, { 'prometheus: text exposition': (r) => r.status === 200 && String(r.body).includes('# TYPE') }, tags);
  await think(5, 10);
}

/**
 * The traffic mix of a school day: mostly browsing, some generating, a little quality
 * reading, and the operator's polling. Weights sum to 1.
 */
export const DAY_MIX: ReadonlyArray<[weight: number, journey: (key: string, tags?: JourneyTags) => Promise<void>]> = [
  [0.6, educatorBrowses],
  [0.15, educatorGenerates],
  [0.15, educatorReadsQuality],
  [0.1, operatorPolls],
];

/** Runs one journey drawn from `mix` by weight. */
export function mixedJourney(key: string, tags: JourneyTags = {}, mix = DAY_MIX): Promise<void> {
  let r = Math.random();
  for (const [weight, journey] of mix) {
    r -= weight;
    if (r < 0) return journey(key, tags);
  }
  return mix[mix.length - 1]![1](key, tags);
}

/**
 * One request from the read mix, no pauses: the unit of work of the arrival-rate scenarios,
 * where each iteration is one arriving request.
 */
export async function oneRequest(key: string, tags: JourneyTags = {}): Promise<void> {
  const r = Math.random();
  if (r < 0.5) {
    await listContent(key, tags, Math.random() < 0.5 ? pick(CONTENT_TYPES) : undefined);
  } else if (r < 0.8) {
    const id = knownIds.length > 0 ? pick(knownIds) : undefined;
    if (id === undefined) {
      rememberIds(await listContent(key, tags));
    } else {
      await readContent(key, id, tags);
    }
  } else if (r < 0.9) {
    const res = await call('GET', ROUTES.educationalMetrics, { key, tags });
    check(res, { 'educational metrics: 200': (x) => x.status === 200 }, tags);
  } else {
    const res = await call('GET', ROUTES.health, { slo: 'health', tags });
    check(res, { 'health: 200 (all checks up)': (x) => x.status === 200 }, tags);
  }
}

/** Content ids this VU has seen, so arrival-rate iterations can open items in one request. */
const knownIds: Array<number | string> = [];
function rememberIds(items: ContentItem[]): void {
  for (const it of items) if (knownIds.length < 50 && !knownIds.includes(it.id)) knownIds.push(it.id);
}
