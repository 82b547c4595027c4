/**
 * The API's error bodies: `{ statusCode, error, code, message, field? }`. Every 4xx names the
 * field at fault when there is one, so a client knows what to fix.
 */
import { STATUS_CODES } from 'node:http';

export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly field?: string;
  readonly retryAfterS?: number;
  constructor(statusCode: number, code: string, message: string, opts: { field?: string; retryAfterS?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.statusCode = statusCode;
    this.code = code;
    this.field = opts.field;
    this.retryAfterS = opts.retryAfterS;
  }
}

export interface ErrorBody { statusCode: number; error: string; code: string; message: string; field?: string }

export function errorBody(statusCode: number, code: string, message: string, field?: string): ErrorBody {
  const body: ErrorBody = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message };
  if (field !== undefined) body.field = field;
  return body;
}

export const errorSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['statusCode', 'error', 'code', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    code: { type: 'string' },
    message: { type: 'string' },
    field: { type: 'string' },
  },
} as const;

/** pg connection-level failures: the database is away, not the request at fault. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '53300']);

export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.code && CONNECTION_CODES.has(e.code)) return true;
  const m = e.message ?? '';
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|Query read timeout|terminating connection/i.test(m);
}
