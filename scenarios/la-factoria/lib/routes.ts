/**
 * The included API's endpoints, as route templates. Requests are named after these
 * (`GET /api/v1/content/:id`), so a result groups by endpoint whatever the ids were.
 */
export const ROUTES = {
  liveness: '/health',
  health: '/api/v1/health',
  healthDetailed: '/api/v1/health/detailed',
  metrics: '/api/v1/metrics',
  educationalMetrics: '/api/v1/metrics/educational',
  prometheus: '/metrics',
  generate: '/api/v1/content/generate',
  contentList: '/api/v1/content',
  contentItem: '/api/v1/content/:id',
  userExport: '/api/v1/users/:id/export',
  user: '/api/v1/users/:id',
  generatorPage: '/',
  monitorPage: '/static/monitor.html',
} as const;

/** The eight content types the API generates. */
export const CONTENT_TYPES = [
  'master_outline',
  'podcast_script',
  'study_guide',
  'one_pager_summary',
  'detailed_reading',
  'faq',
  'flashcards',
  'reading_questions',
] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

export const AUDIENCE_LEVELS = ['general', 'beginner', 'intermediate', 'advanced'] as const;

/** Topics an educator might ask for; varied so caches and indexes see realistic spread. */
export const TOPICS = [
  'Photosynthesis and the carbon cycle',
  'The causes of the First World War',
  'Introduction to linear equations',
  'Plate tectonics and earthquakes',
  'The water cycle',
  'Supply and demand in market economies',
  'Cell division: mitosis and meiosis',
  'The French Revolution',
  'Newton\'s laws of motion',
  'Reading poetry: metaphor and imagery',
  'Probability with dice and coins',
  'The structure of DNA',
] as const;

/** A random element of a non-empty list. */
export function pick<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)]!;
}
