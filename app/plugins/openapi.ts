/**
 * The API's OpenAPI document, generated from the route schemas by @fastify/swagger and served
 * by @fastify/swagger-ui: the UI at `/docs`, the document at `/docs/json` and `/docs/yaml`.
 * Whether a route needs the bearer key is decided once, by `isProtectedRoute` (plugins/auth.ts);
 * the document's `security` is derived from it, so the two cannot disagree. Register this before
 * any route, so every route is seen.
 *
 * The UI's page has no inline script or style and loads everything from /docs/static, so it runs
 * under the app's CSP unchanged: every /docs response carries the same headers as any other.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { AppConfig } from '../config.ts';
import { isProtectedRoute } from './auth.ts';

export const DOCS_PREFIX = '/docs';
export const BEARER_SCHEME = 'bearerAuth';

/** The docs' own entry points, described in the document like any public route. */
const DOCS_ROUTES: Record<string, { summary: string; operationId: string; contentType: string }> = {
  [DOCS_PREFIX]: { summary: 'This API documentation, browsable (Swagger UI)', operationId: 'docsUi', contentType: 'text/html' },
  [`${DOCS_PREFIX}/json`]: { summary: 'This OpenAPI document, as JSON', operationId: 'openapiJson', contentType: 'application/json' },
  [`${DOCS_PREFIX}/yaml`]: { summary: 'This OpenAPI document, as YAML', operationId: 'openapiYaml', contentType: 'application/x-yaml' },
};

/** The UI's assets (`/docs/static/*`): served, but neither part of the API nor of its route table. */
export const isDocsAsset = (url: string): boolean => url.startsWith(`${DOCS_PREFIX}/static/`);

type RouteSchema = Record<string, unknown> & { hide?: boolean };

export async function registerOpenApi(app: FastifyInstance, config: AppConfig): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'La Factoria',
        version: config.version,
        description: 'Educational content API: generates study material with a language model, scores its quality, stores it in PostgreSQL.',
      },
      components: {
        securitySchemes: {
          [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', description: 'An API key: "Authorization: Bearer <API key>". Every /api route needs one except the health checks.' },
        },
      },
      security: [{ [BEARER_SCHEME]: [] }],
      tags: [
        { name: 'health', description: 'Liveness and readiness probes (public)' },
        { name: 'content', description: 'Generate, read, list and delete content' },
        { name: 'users', description: 'GDPR: access and erasure' },
        { name: 'metrics', description: 'Service and educational metrics' },
        { name: 'docs', description: 'This document (public)' },
      ],
    },
    // Document-only: nothing here changes how a route validates or serializes.
    transform: ({ schema, url: routeUrl, route }) => {
      // Fastify registers the UI at `/docs` and `/docs/` from one set of route options, which
      // @fastify/swagger keeps by reference: they end up holding the second URL.
      const url = routeUrl === `${DOCS_PREFIX}/` ? DOCS_PREFIX : routeUrl;
      const docs = DOCS_ROUTES[url];
      const base: RouteSchema = docs
        ? { ...(schema as RouteSchema), hide: false, summary: docs.summary, operationId: docs.operationId, tags: ['docs'],
          response: { 200: { description: docs.summary, content: { [docs.contentType]: { schema: docs.contentType === 'application/json' ? { type: 'object' } : { type: 'string' } } } } } }
        : { ...(schema as RouteSchema) };
      base.security = isProtectedRoute(route as RouteOptions) ? [{ [BEARER_SCHEME]: [] }] : [];
      return { schema: base as never, url };
    },
  });
  // BaseLayout: the document without Swagger's top bar, whose logo is an SVG with an inline
  // <style> that the app's CSP (style-src 'self') rightly blocks.
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX, uiConfig: { layout: 'BaseLayout', deepLinking: true } });
}
