/**
 * The app's schema validators. JSON bodies must have the right types; query strings and path
 * parameters arrive as text and coerce to the schema's numbers — but only text that is a plain
 * decimal integer in the safe range. Ajv's own coercion takes anything `Number()` reads
 * ("Infinity", "1e309", "0x10", " "), and PostgreSQL then refused "Infinity" with a 500; here
 * such text is a 400 naming the field before Ajv sees it.
 */
import { Ajv, type ErrorObject } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

const DECIMAL_INTEGER = /^-?\d{1,16}$/;

interface IntegerProperty { minimum?: number; maximum?: number }

/** Unknown fields are rejected, never silently dropped. */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strictAjv = new Ajv({ removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false });
  const coercingAjv = new Ajv({ removeAdditional: false, coerceTypes: true, useDefaults: true, allErrors: false });
  return ({ schema, httpPart }) => {
    if (httpPart === 'body') return strictAjv.compile(schema as object);
    const validate = coercingAjv.compile(schema as object);
    const properties = ((schema as { properties?: Record<string, { type?: unknown } & IntegerProperty> }).properties) ?? {};
    const integers = Object.entries(properties).filter(([, p]) => p.type === 'integer');
    if (integers.length === 0) return validate;
    const checked = (data: unknown): boolean => {
      const values = (data ?? {}) as Record<string, unknown>;
      for (const [name, p] of integers) {
        const raw = values[name];
        if (typeof raw !== 'string') continue;
        if (!DECIMAL_INTEGER.test(raw) || !Number.isSafeInteger(Number(raw))) {
          const range = p.minimum !== undefined && p.maximum !== undefined ? ` from ${p.minimum} to ${p.maximum}` : '';
          checked.errors = [{ instancePath: `/${name}`, schemaPath: `#/properties/${name}/type`, keyword: 'type', params: { type: 'integer' }, message: `must be a whole number${range} written in decimal digits` }];
          return false;
        }
      }
      const ok = validate(data);
      checked.errors = validate.errors;
      return ok as boolean;
    };
    checked.errors = null as ErrorObject[] | null | undefined;
    return checked;
  };
}
