/**
 * GDPR: a user's right of access (export everything stored about them as JSON) and right to
 * erasure (delete the user and, by cascade, their content; the deletion itself is recorded in
 * one audit-log row in the same transaction).
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../http-errors.ts';
import { rateLimitFor } from '../plugins/token-bucket-store.ts';
import { CONTENT_COLUMNS, contentItem, errorResponses, userIdParams } from './schemas.ts';

const auditItem = {
  type: 'object', additionalProperties: false, required: ['id', 'action', 'subject_type', 'subject_id', 'details', 'created_at'],
  properties: {
    id: { type: 'string' }, action: { type: 'string' }, subject_type: { type: 'string' }, subject_id: { type: 'string' },
    details: { type: 'object', additionalProperties: true }, created_at: { type: 'string', format: 'date-time' },
  },
} as const;

export default async function userRoutes(app: FastifyInstance): Promise<void> {
  const readLimit = { rateLimit: rateLimitFor(app.config, 'reads') };

  app.get<{ Params: { id: string } }>('/api/v1/users/:id/export', {
    config: readLimit,
    schema: {
      summary: 'GDPR access: everything stored about a user', tags: ['users'], operationId: 'exportUser',
      params: userIdParams,
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['exported_at', 'user', 'content', 'audit_log'],
          properties: {
            exported_at: { type: 'string' },
            user: { type: 'object', additionalProperties: false, required: ['id', 'created_at'], properties: { id: { type: 'string' }, created_at: { type: 'string', format: 'date-time' } } },
            content: { type: 'array', items: contentItem },
            audit_log: { type: 'array', items: auditItem },
          },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    const { id } = request.params;
    const client = await app.pg.connect();
    try {
      // One snapshot, so the export is consistent even while the user generates more content.
      await client.query('begin isolation level repeatable read read only');
      const user = await client.query('select id, created_at from users where id = $1', [id]);
      if (!user.rows[0]) throw new ApiError(404, 'USER_NOT_FOUND', `No user with id "${id}".`, { field: 'id' });
      const content = await client.query(`select ${CONTENT_COLUMNS} from educational_content where user_id = $1 order by id`, [id]);
      const audit = await client.query("select id::text, action, subject_type, subject_id, details, created_at from audit_log where subject_type = 'user' and subject_id = $1 order by id", [id]);
      await client.query('commit');
      return { exported_at: new Date().toISOString(), user: user.rows[0], content: content.rows, audit_log: audit.rows };
    } catch (e) {
      await client.query('rollback').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  });

  app.delete<{ Params: { id: string } }>('/api/v1/users/:id', {
    config: readLimit,
    schema: {
      summary: 'GDPR erasure: delete a user and their content, recorded in the audit log', tags: ['users'], operationId: 'deleteUser',
      params: userIdParams,
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['deleted', 'user_id', 'content_deleted', 'audit_id'],
          properties: { deleted: { type: 'boolean' }, user_id: { type: 'string' }, content_deleted: { type: 'integer' }, audit_id: { type: 'string' } },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    const { id } = request.params;
    const client = await app.pg.connect();
    try {
      await client.query('begin');
      // Locking the user row first makes concurrent inserts for this user wait (their foreign-key
      // check conflicts with the lock), so the count below is exactly what the cascade removes.
      const user = await client.query('select id from users where id = $1 for update', [id]);
      if (!user.rowCount) throw new ApiError(404, 'USER_NOT_FOUND', `No user with id "${id}".`, { field: 'id' });
      const content = await client.query<{ id: number }>('select id from educational_content where user_id = $1', [id]);
      await client.query('delete from users where id = $1', [id]);
      const n = content.rowCount ?? 0;
      const audit = await client.query(
        "insert into audit_log (action, subject_type, subject_id, details) values ('user.deleted', 'user', $1, $2) returning id::text",
        [id, { content_deleted: n, reason: 'gdpr_erasure_request' }]);
      await client.query('commit');
      app.contentCache.delete(content.rows.map((r) => r.id));
      return { deleted: true, user_id: id, content_deleted: n, audit_id: audit.rows[0].id };
    } catch (e) {
      await client.query('rollback').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  });
}
