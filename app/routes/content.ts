/**
 * Generating, reading, listing and deleting educational content. The list gives summaries
 * (every field but the text), so a page of 100 stays small; the item route gives the text.
 */
import type { FastifyInstance } from 'fastify';
import type { AudienceLevel, ContentType } from '../config.ts';
import { ApiError } from '../http-errors.ts';
import { rateLimitFor } from '../plugins/token-bucket-store.ts';
import { CONTENT_COLUMNS, SUMMARY_COLUMNS, contentIdParams, contentItem, contentSummary, errorResponses, generateBody, listQuery } from './schemas.ts';

interface GenerateBody { topic: string; content_type: ContentType; audience_level: AudienceLevel; user_id?: string }
interface ListQuery { limit: number; offset: number; content_type?: ContentType }

export default async function contentRoutes(app: FastifyInstance): Promise<void> {
  const readLimit = { rateLimit: rateLimitFor(app.config, 'reads') };
  const generateLimit = { rateLimit: rateLimitFor(app.config, 'generations') };
  app.post<{ Body: GenerateBody }>('/api/v1/content/generate', {
    config: generateLimit,
    schema: {
      summary: 'Generate content on a topic, score its quality and store it', tags: ['content'], operationId: 'generateContent',
      body: generateBody, response: { 201: contentItem, ...errorResponses },
    },
  }, async (request, reply) => {
    const { topic, content_type, audience_level, user_id } = request.body;
    if (topic.includes('\u0000')) throw new ApiError(400, 'VALIDATION_FAILED', 'body/topic must not contain NUL characters.', { field: 'topic' });
    const started = performance.now();
    let generated;
    try {
      generated = await app.generator.generate({ topic, contentType: content_type, audienceLevel: audience_level });
      app.requestMetrics.generations.inc({ content_type, outcome: 'success' });
    } catch (e) {
      app.requestMetrics.generations.inc({ content_type, outcome: 'failure' });
      throw e;
    }
    app.requestMetrics.generationSeconds.observe({ content_type }, (performance.now() - started) / 1000);
    app.requestMetrics.qualityAssessments.inc({ content_type, result: generated.quality_passed ? 'passed' : 'failed' });
    app.requestMetrics.qualityScore.observe({ content_type }, generated.quality_score);
    const values = [user_id ?? null, topic, content_type, audience_level, generated.content, generated.provider, generated.quality_score,
      generated.educational_effectiveness, generated.factual_accuracy, generated.quality_passed, generated.generation_duration_ms];
    // One statement creates the user on first use and stores the content (the FK check runs at its end).
    const insert = () => app.pg.query(
      `with new_user as (insert into users (id) select $1::text where $1::text is not null on conflict (id) do nothing)
       insert into educational_content (user_id, topic, content_type, audience_level, content, provider, quality_score,
         educational_effectiveness, factual_accuracy, quality_passed, generation_duration_ms)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning ${CONTENT_COLUMNS}`, values);
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await insert();
        return reply.code(201).send(rows[0]);
      } catch (e) {
        // The user was erased between the upsert's snapshot and the insert (23503): running the
        // statement again creates them anew. Give up after a few rounds of such a race.
        if ((e as { code?: string }).code !== '23503' || attempt === 3) throw e;
      }
    }
  });

  app.get<{ Params: { id: number } }>('/api/v1/content/:id', {
    config: readLimit,
    schema: { summary: 'One stored item, with its text', tags: ['content'], operationId: 'getContent', params: contentIdParams, response: { 200: contentItem, ...errorResponses } },
  }, async (request, reply) => {
    const { id } = request.params;
    let json = app.contentCache.get(id);
    if (json === undefined) {
      const { rows } = await app.pg.query({ name: 'content-by-id', text: `select ${CONTENT_COLUMNS} from educational_content where id = $1`, values: [id] });
      if (!rows[0]) throw new ApiError(404, 'CONTENT_NOT_FOUND', `No content with id ${id}.`, { field: 'id' });
      // Serialized once by the route's own response schema, then served as-is from the cache.
      json = reply.getSerializationFunction('200')!(rows[0]);
      app.contentCache.set(id, json);
    }
    return reply.type('application/json; charset=utf-8').send(json);
  });

  app.get<{ Querystring: ListQuery }>('/api/v1/content', {
    config: readLimit,
    schema: {
      summary: 'Stored items, newest first, without their text', tags: ['content'], operationId: 'listContent',
      querystring: listQuery,
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['items', 'limit', 'offset', 'next_offset'],
          properties: { items: { type: 'array', items: contentSummary }, limit: { type: 'integer' }, offset: { type: 'integer' }, next_offset: { type: ['integer', 'null'] } },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    const { limit, offset, content_type } = request.query;
    // One extra row tells whether there is a next page without a count(*) over the table.
    const { rows } = await app.pg.query(
      `select ${SUMMARY_COLUMNS} from educational_content where ($1::text is null or content_type = $1) order by id desc limit $2 offset $3`,
      [content_type ?? null, limit + 1, offset]);
    const more = rows.length > limit;
    return { items: more ? rows.slice(0, limit) : rows, limit, offset, next_offset: more ? offset + limit : null };
  });

  app.delete<{ Params: { id: number } }>('/api/v1/content/:id', {
    config: readLimit,
    schema: { summary: 'Delete a stored item', tags: ['content'], operationId: 'deleteContent', params: contentIdParams, response: { 204: { type: 'null' }, ...errorResponses } },
  }, async (request, reply) => {
    const { rowCount } = await app.pg.query('delete from educational_content where id = $1', [request.params.id]);
    app.contentCache.delete([request.params.id]);
    if (!rowCount) throw new ApiError(404, 'CONTENT_NOT_FOUND', `No content with id ${request.params.id}.`, { field: 'id' });
    return reply.code(204).send();
  });
}
