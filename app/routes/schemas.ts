/** JSON schemas shared by the routes. Requests reject unknown fields; responses list theirs. */
import { AUDIENCE_LEVELS, CONTENT_TYPES } from '../config.ts';
import { errorSchema } from '../http-errors.ts';

export const USER_ID_PATTERN = '^[A-Za-z0-9._@-]{1,128}$';
export const MAX_ID = 2_147_483_647;

export const contentIdParams = {
  type: 'object', additionalProperties: false, required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: MAX_ID } },
} as const;

export const userIdParams = {
  type: 'object', additionalProperties: false, required: ['id'],
  properties: { id: { type: 'string', pattern: USER_ID_PATTERN } },
} as const;

export const contentItem = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'user_id', 'topic', 'content_type', 'audience_level', 'content', 'provider', 'quality_score',
    'educational_effectiveness', 'factual_accuracy', 'quality_passed', 'generation_duration_ms', 'created_at'],
  properties: {
    id: { type: 'integer' },
    user_id: { type: ['string', 'null'] },
    topic: { type: 'string' },
    content_type: { type: 'string', enum: CONTENT_TYPES },
    audience_level: { type: 'string' },
    content: { type: 'string' },
    provider: { type: 'string' },
    quality_score: { type: 'number' },
    educational_effectiveness: { type: 'number' },
    factual_accuracy: { type: 'number' },
    quality_passed: { type: 'boolean' },
    generation_duration_ms: { type: 'integer' },
    created_at: { type: 'string', format: 'date-time' },
  },
} as const;

/** A list entry: the item without its text (GET /api/v1/content/:id has the text). */
export const contentSummary = {
  ...contentItem,
  required: contentItem.required.filter((k) => k !== 'content'),
  properties: Object.fromEntries(Object.entries(contentItem.properties).filter(([k]) => k !== 'content')),
} as const;

export const generateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['topic', 'content_type'],
  properties: {
    topic: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' },
    content_type: { type: 'string', enum: CONTENT_TYPES },
    audience_level: { type: 'string', enum: AUDIENCE_LEVELS, default: 'general' },
    user_id: { type: 'string', pattern: USER_ID_PATTERN },
  },
} as const;

export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
    content_type: { type: 'string', enum: CONTENT_TYPES },
  },
} as const;

export const errorResponses = {
  400: errorSchema, 401: errorSchema, 404: errorSchema, 413: errorSchema, 415: errorSchema, 429: errorSchema, 500: errorSchema, 503: errorSchema,
} as const;

/** Selected columns, in the response's shape. */
export const SUMMARY_COLUMNS = `id, user_id, topic, content_type, audience_level, provider, quality_score,
  educational_effectiveness, factual_accuracy, quality_passed, generation_duration_ms, created_at`;
export const CONTENT_COLUMNS = `${SUMMARY_COLUMNS}, content`;
