/**
 * One place that turns every failure into the API's JSON error body. Client mistakes are 4xx
 * naming the field; a database that is away or a provider that fails is a clear 503; only a
 * real bug is a 500 (and is logged with its stack).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CircuitOpenError } from '../generation/circuit-breaker.ts';
import { ProviderError } from '../generation/provider.ts';
import { ApiError, errorBody, isDatabaseUnavailable } from '../http-errors.ts';
import { authenticate } from './auth.ts';

interface AjvLikeError { instancePath?: string; keyword?: string; message?: string; params?: Record<string, unknown> }

export function registerErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof ApiError) {
      if (err.retryAfterS) reply.header('retry-after', String(err.retryAfterS));
      if (err.statusCode >= 500) request.log.warn({ code: err.code }, err.message);
      return reply.code(err.statusCode).send(errorBody(err.statusCode, err.code, err.message, err.field));
    }
    if (err.validation) {
      const { field, message } = describeValidation(err.validation as AjvLikeError[], err.validationContext ?? 'body');
      return reply.code(400).send(errorBody(400, 'VALIDATION_FAILED', message, field));
    }
    if (err instanceof CircuitOpenError) {
      const s = Math.ceil(err.retryAfterMs / 1000);
      reply.header('retry-after', String(s));
      return reply.code(503).send(errorBody(503, 'AI_PROVIDER_CIRCUIT_OPEN', err.message));
    }
    if (err instanceof ProviderError) {
      request.log.warn({ reason: err.message }, 'content provider failed after retries');
      reply.header('retry-after', '5');
      return reply.code(503).send(errorBody(503, 'AI_PROVIDER_UNAVAILABLE', `Content generation is unavailable: ${err.message}. Retry later.`));
    }
    if (isDatabaseUnavailable(err)) {
      request.log.warn({ reason: err.message }, 'database unavailable');
      reply.header('retry-after', '5');
      return reply.code(503).send(errorBody(503, 'DATABASE_UNAVAILABLE', 'The database is unavailable; the request was not completed. Retry shortly.'));
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send(errorBody(status, err.code ?? 'BAD_REQUEST', clientMessage(err, bodyLimit), clientField(err)));
    }
    request.log.error({ err }, 'unhandled error');
    return reply.code(500).send(errorBody(500, 'INTERNAL', 'Internal error; it has been logged.'));
  });

  app.setNotFoundHandler((request, reply) => {
    app.requestMetrics.record(request.method, 'unmatched', 404, reply.elapsedTime);
    const denied = request.url.startsWith('/api/') ? authenticate(request, app.apiKeys) : undefined;
    if (denied) return reply.code(401).send(errorBody(401, denied.code, denied.message, denied.field));
    return reply.code(404).send(errorBody(404, 'NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`));
  });
}

function describeValidation(errors: AjvLikeError[], context: string): { field: string; message: string } {
  const e = errors[0] ?? {};
  const p = e.params ?? {};
  const path = (e.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  if (e.keyword === 'required') {
    const field = [path, p.missingProperty].filter(Boolean).join('.');
    return { field, message: `${context} is missing the required field "${field}".` };
  }
  if (e.keyword === 'additionalProperties') {
    const field = [path, p.additionalProperty].filter(Boolean).join('.');
    return { field, message: `${context} has an unknown field "${field}".` };
  }
  const field = path || context;
  const where = path ? `${context}/${path}` : context;
  if (e.keyword === 'enum') return { field, message: `${where} must be one of: ${(p.allowedValues as unknown[]).join(', ')}.` };
  return { field, message: `${where} ${e.message ?? 'is invalid'}.` };
}

function clientField(err: FastifyError): string | undefined {
  if (err.code?.startsWith('FST_ERR_CTP_') || err instanceof SyntaxError) return 'body';
  return undefined;
}

function clientMessage(err: FastifyError, bodyLimit: number): string {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return `The request body is larger than the limit of ${bodyLimit} bytes (${(bodyLimit / 1_048_576).toFixed(1)} MB).`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return 'Send the body as JSON with "Content-Type: application/json".';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return 'The JSON body is empty.';
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return `The body is not valid JSON: ${err.message}`;
    default: return err.message;
  }
}
