/**
 * Hostile requests for every route of a route table, as fast-check arbitraries: wrong types,
 * numbers JavaScript and PostgreSQL disagree on, deep nesting, huge strings and arrays,
 * invalid UTF-8 and lone surrogates, NUL bytes, duplicate keys, prototype-pollution keys,
 * SQL and script injection, in the body, the query, the path and the headers; and raw-socket
 * cases for what an HTTP client library refuses to send (conflicting Content-Length /
 * Transfer-Encoding, control characters in headers, truncated bodies).
 *
 * Shared by the seeded tests (app/hostile-input.test.ts) and the ≥ 10,000-case bench
 * (bench/hostile/run.ts), so both send the same classes.
 */
import fc from 'fast-check';

export interface RouteEntry { method: string; url: string; public: boolean }

/** Sent with node:http (well-formed framing, hostile content). */
export interface HttpCase { kind: 'http'; label: string; method: string; path: string; headers: Record<string, string | string[]>; body?: Buffer; chunked?: boolean }
/** Sent byte for byte on a socket; `halfClose` ends our side after the bytes (a truncated body). */
export interface RawCase { kind: 'raw'; label: string; bytes: Buffer; halfClose: boolean; framingConflict: boolean }
export type HostileCase = HttpCase | RawCase;

const NUMBER_TEXTS = ['Infinity', '-Infinity', 'NaN', '1e309', '-1e309', '-0', '0', '2e-400', '9223372036854775808', '9223372036854775807',
  '-9223372036854775809', '18446744073709551616', '2147483648', '2147483647', '-2147483649', '4294967296', '9007199254740993', '1.5', '1.0',
  '0x1F', '0b11', '0o7', '1_000', ' 1', '1 ', '+1', '00001', '1e3', '.5', '1e-7', '١٢٣'];
const INJECTIONS = ["' OR '1'='1", "1; drop table users; --", "1' union select id, created_at from users --", "'); delete from educational_content; --",
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '${7*7}', '{{7*7}}', '../../../../etc/passwd',
  '..%2f..%2fetc%2fpasswd', '%00', '%', '%%', '%zz', '\\', '"', "'", '`', 'null', 'undefined', 'true', '[]', '{}', '$where', '{"$gt":""}'];
const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__'];
const UNICODE = ['\ud800', '\udfff', 'a\ud800b', '\udc00\ud800', '😀', '\u202e', '\ufeff', '\u200b', 'e\u0301\u0301\u0301', 'ＡＢＣ', '\u0000', 'a\u0000b',
  '\u0001\u001f\u007f', '\r\n', '\u2028\u2029', 'İı', 'ß', '\uffff', '\ufffe'];
const FIELD_NAMES = ['topic', 'content_type', 'audience_level', 'user_id', 'limit', 'offset', 'id'];
const CONTENT_TYPES = ['faq', 'study_guide', 'flashcards', 'FAQ', 'faq ', 'faq\u0000'];
/** Byte sequences that are not UTF-8: a lone continuation, an overlong NUL, an encoded surrogate, 0xFF. */
const INVALID_UTF8 = [[0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xff], [0xc3, 0x28], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NUMBER_TEXTS, ...INJECTIONS, ...POLLUTION_KEYS, ...UNICODE, ...CONTENT_TYPES) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', '\u0000', 'é', '😀', '\ud800', "'"), fc.constantFrom(129, 501, 10_000, 70_000)).map(([c, n]) => c.repeat(n)) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }) },
);

/** JSON text built by hand, so it can hold what JSON.stringify cannot: duplicate keys and number texts like 1e309. */
type JsonNode = { t: 'raw'; text: string } | { t: 'str'; value: string } | { t: 'arr'; items: JsonNode[] } | { t: 'obj'; entries: [string, JsonNode][] } | { t: 'deep'; depth: number; open: '[' | '{"a":' };

const jsonLeaf: fc.Arbitrary<JsonNode> = fc.oneof(
  fc.constantFrom(...NUMBER_TEXTS.filter((n) => /^-?\d+(\.\d+)?(e-?\d+)?$/.test(n)), 'true', 'false', 'null', '1e308', '-0.0', '5e-324').map((text) => ({ t: 'raw' as const, text })),
  hostileString.map((value) => ({ t: 'str' as const, value })),
  fc.constantFrom(...CONTENT_TYPES, 'general', 'advanced', 'learner-1').map((value) => ({ t: 'str' as const, value })),
);

const jsonNode: fc.Arbitrary<JsonNode> = fc.letrec<{ node: JsonNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonLeaf,
    fc.array(tie('node'), { maxLength: 4 }).map((items) => ({ t: 'arr' as const, items })),
    fc.array(fc.tuple(fc.oneof(fc.constantFrom(...FIELD_NAMES, ...POLLUTION_KEYS), hostileString), tie('node')), { maxLength: 5 }).map((entries) => ({ t: 'obj' as const, entries })),
    fc.constantFrom(1_000, 100_000).chain((depth) => fc.constantFrom('[' as const, '{"a":' as const).map((open) => ({ t: 'deep' as const, depth, open }))),
  ),
})).node;

function jsonText(n: JsonNode): string {
  switch (n.t) {
    case 'raw': return n.text;
    case 'str': return JSON.stringify(n.value);
    case 'arr': return `[${n.items.map(jsonText).join(',')}]`;
    case 'obj': return `{${n.entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
    case 'deep': return n.open.repeat(n.depth) + '1' + (n.open === '[' ? ']' : '}').repeat(n.depth);
  }
}

/** A generate body close enough to valid that its hostile field reaches validation and the handler. */
const nearlyValidBody: fc.Arbitrary<JsonNode> = fc.record({
  field: fc.constantFrom('topic', 'content_type', 'audience_level', 'user_id'),
  value: jsonNode,
  duplicate: fc.boolean(),
  extraKey: fc.option(fc.constantFrom(...POLLUTION_KEYS, 'extra'), { nil: undefined }),
}).map(({ field, value, duplicate, extraKey }) => {
  const entries: [string, JsonNode][] = [['topic', { t: 'str', value: 'photosynthesis' }], ['content_type', { t: 'str', value: 'faq' }]];
  const i = entries.findIndex(([k]) => k === field);
  if (i >= 0 && !duplicate) entries[i] = [field, value];
  else entries.push([field, value]);
  if (extraKey) entries.push([extraKey, { t: 'obj', entries: [['polluted', { t: 'raw', text: 'true' }]] }]);
  return { t: 'obj' as const, entries };
});

const hugeBody = fc.constantFrom(
  () => `{"topic":"${'a'.repeat(1_048_600)}","content_type":"faq"}`,
  () => `[${'1,'.repeat(200_000)}1]`,
  () => `{"topic":"t","content_type":"faq","user_id":[${'"x",'.repeat(50_000)}"x"]}`,
).map((make) => make);

/** Body bytes: JSON text, optionally with invalid UTF-8 spliced in at a random place. */
const bodyBytes: fc.Arbitrary<{ label: string; bytes: Buffer }> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.oneof(nearlyValidBody, jsonNode), fc.option(fc.tuple(fc.constantFrom(...INVALID_UTF8), fc.double({ min: 0, max: 1, noNaN: true })), { nil: undefined })).map(([node, splice]) => {
    const text = Buffer.from(jsonText(node));
    if (!splice) return { label: 'json', bytes: text };
    const at = Math.floor(splice[1] * text.length);
    return { label: 'json+invalid-utf8', bytes: Buffer.concat([text.subarray(0, at), Buffer.from(splice[0]), text.subarray(at)]) };
  }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', '{', '{"topic":', '\u0000', '{"a":1}{"b":2}', '\ufeff{"topic":"t","content_type":"faq"}', 'topic=t&content_type=faq').map((s) => ({ label: 'broken-json', bytes: Buffer.from(s) })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => ({ label: 'random-bytes', bytes: Buffer.from(a) })) },
  { weight: 1, arbitrary: hugeBody.map((make) => ({ label: 'huge', bytes: Buffer.from(make()) })) },
);

/** A URL component: percent-encoded UTF-8 of a hostile string, or raw invalid UTF-8 escapes. */
const urlComponent: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: hostileString.map(percentEncode) },
  { weight: 1, arbitrary: fc.constantFrom(...INVALID_UTF8).map((b) => b.map((x) => `%${x.toString(16).toUpperCase().padStart(2, '0')}`).join('')) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%2', '%zz', '%00', '..', '.', '%2e%2e', '%2F', '+', '1;x=y', '1#frag') },
  { weight: 2, arbitrary: fc.constantFrom('1', 'learner-1', '7', '2147483647') },
);

export function percentEncode(s: string): string {
  // The UTF-8 round trip turns a lone surrogate into U+FFFD, as any client's encoder must (raw
  // invalid sequences come from INVALID_UTF8 instead), so encodeURIComponent cannot throw.
  return encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));
}

const queryString: fc.Arbitrary<string> = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...FIELD_NAMES, ...POLLUTION_KEYS, 'access_token', 'api_key', 'a[b][c]', '__proto__[polluted]', 'constructor[prototype][polluted]'), urlComponent), urlComponent), { maxLength: 4 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));

/** Header values node:http will send (no control characters): hostile text in latin1 and long values. */
const headerValue: fc.Arbitrary<string> = fc.oneof(
  hostileString.map((s) => Buffer.from(s, 'utf8').toString('latin1').replace(/[^\t\x20-\x7e\x80-\xff]/g, '')),
  fc.constantFrom('a'.repeat(8_000), '1e309', '-1', '0', 'Infinity', '*/*;q=Infinity', 'gzip;q=NaN', 'chunked, identity'),
);

const CONTENT_TYPE_HEADERS = ['application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json;charset=UTF-16',
  'APPLICATION/JSON', 'application/json, text/plain', 'application/jsonx', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/octet-stream', '', '*/*', 'application/json; charset="\u00ff"'];

export interface CaseKeys { valid: string; other: string }

const authHeader = (keys: CaseKeys): fc.Arbitrary<string | undefined> => fc.oneof(
  { weight: 6, arbitrary: fc.constant(`Bearer ${keys.valid}`) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom(`Bearer ${keys.valid}x`, `Bearer ${keys.valid.slice(0, -1)}`, `bearer ${keys.valid}`, `Bearer  ${keys.valid}`, keys.valid, `Bearer ${'k'.repeat(7_000)}`, 'Bearer', 'Bearer \u00ff\u00fe') },
  { weight: 1, arbitrary: headerValue.map((v) => `Bearer ${v}`) },
);

const METHODS_OFF_TABLE = ['PUT', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND'];

function fillPath(url: string, param: string): string {
  return url.replace(/:[A-Za-z_]+/g, param).replace(/\*$/, param);
}

export function httpCase(routes: RouteEntry[], keys: CaseKeys): fc.Arbitrary<HttpCase> {
  return fc.record({
    route: fc.constantFrom(...routes),
    otherMethod: fc.option(fc.constantFrom(...METHODS_OFF_TABLE), { freq: 12, nil: undefined }),
    param: urlComponent,
    query: fc.option(queryString, { freq: 2, nil: undefined }),
    auth: authHeader(keys),
    contentType: fc.option(fc.constantFrom(...CONTENT_TYPE_HEADERS), { freq: 4, nil: undefined }),
    body: fc.option(bodyBytes, { freq: 3, nil: undefined }),
    extraHeaders: fc.array(fc.tuple(fc.constantFrom('x-forwarded-for', 'accept', 'accept-encoding', 'content-encoding', 'expect', 'x-request-id', 'cookie', 'origin', 'range', 'if-none-match', 'x-http-method-override', '__proto__'), headerValue), { maxLength: 3 }),
    duplicateAuth: fc.boolean(),
    chunked: fc.boolean(),
  }).map((c) => {
    const method = c.otherMethod ?? c.route.method;
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of c.extraHeaders) headers[k] = v;
    if (c.auth !== undefined) headers.authorization = c.duplicateAuth ? [c.auth, `Bearer ${keys.other}`] : c.auth;
    const sendsBody = c.body !== undefined && (method === 'POST' || method === 'DELETE' || method === 'PUT' || method === 'PATCH');
    if (sendsBody) headers['content-type'] = c.contentType ?? 'application/json';
    else if (c.contentType !== undefined) headers['content-type'] = c.contentType;
    const path = fillPath(c.route.url, c.param) + (c.query ?? '');
    const label = `${method} ${c.route.url}${c.query ? ' +query' : ''}${sendsBody ? ` body:${c.body!.label}` : ''}`;
    return { kind: 'http' as const, label, method, path, headers, body: sendsBody ? c.body!.bytes : undefined, chunked: sendsBody && c.chunked };
  });
}

/** What a client library would not send. Every one gets a 4xx (and, for conflicting framing, a close). */
export function rawCase(routes: RouteEntry[], keys: CaseKeys): fc.Arbitrary<RawCase> {
  const writes = routes.filter((r) => r.method === 'POST');
  const target = fc.constantFrom(...(writes.length ? writes : routes)).map((r) => fillPath(r.url, '1'));
  const body = '{"topic":"framing","content_type":"faq"}';
  const head = (path: string, lines: string[]) => `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${keys.valid}\r\nContent-Type: application/json\r\n${lines.join('\r\n')}${lines.length ? '\r\n' : ''}`;
  const variants: fc.Arbitrary<{ label: string; text: (path: string) => string | Buffer; halfClose?: boolean; conflict?: boolean }> = fc.oneof(
    fc.constantFrom(
      { label: 'content-length and transfer-encoding', conflict: true, text: (p: string) => `${head(p, [`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked'])}\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` },
      { label: 'two different content-lengths', conflict: true, text: (p: string) => `${head(p, [`Content-Length: ${body.length}`, 'Content-Length: 5'])}\r\n${body}` },
      { label: 'content-length list', conflict: true, text: (p: string) => `${head(p, [`Content-Length: ${body.length}, 5`])}\r\n${body}` },
      { label: 'negative content-length', conflict: true, text: (p: string) => `${head(p, ['Content-Length: -1'])}\r\n${body}` },
      { label: 'content-length 1e309', conflict: true, text: (p: string) => `${head(p, ['Content-Length: 1e309'])}\r\n${body}` },
      { label: 'content-length 2^64', conflict: true, text: (p: string) => `${head(p, ['Content-Length: 18446744073709551616'])}\r\n${body}` },
      { label: 'transfer-encoding chunked, identity', conflict: true, text: (p: string) => `${head(p, ['Transfer-Encoding: chunked, identity'])}\r\n${body}` },
      { label: 'transfer-encoding gzip (not last chunked)', conflict: true, text: (p: string) => `${head(p, ['Transfer-Encoding: gzip'])}\r\n${body}` },
      { label: 'bad chunk size', conflict: true, text: (p: string) => `${head(p, ['Transfer-Encoding: chunked'])}\r\nzz\r\n${body}\r\n0\r\n\r\n` },
      { label: 'chunk size overflow', conflict: true, text: (p: string) => `${head(p, ['Transfer-Encoding: chunked'])}\r\nffffffffffffffffff\r\n${body}\r\n0\r\n\r\n` },
      { label: 'NUL in a header value', conflict: true, text: (p: string) => `${head(p, [`Content-Length: ${body.length}`, 'X-Note: a\u0000b'])}\r\n${body}` },
      { label: 'space before colon', conflict: true, text: (p: string) => `${head(p, [`Content-Length : ${body.length}`])}\r\n${body}` },
      { label: 'obs-fold header', conflict: true, text: (p: string) => `${head(p, [`Content-Length: ${body.length}`, 'X-Folded: a', ' b'])}\r\n${body}` },
      { label: 'bare LF line ends', conflict: true, text: (p: string) => `POST ${p} HTTP/1.1\nHost: x\nAuthorization: Bearer ${keys.valid}\nContent-Length: ${body.length}\n\n${body}` },
      { label: 'raw invalid UTF-8 in the path', conflict: true, text: (p: string) => Buffer.concat([Buffer.from(`GET ${p}`), Buffer.from([0xff, 0xc0, 0x80]), Buffer.from(` HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${keys.valid}\r\n\r\n`)]) },
      { label: 'HTTP/9.9', conflict: true, text: (p: string) => `GET ${p} HTTP/9.9\r\nHost: x\r\n\r\n` },
      { label: 'header larger than the limit', conflict: true, text: (p: string) => `${head(p, [`X-Big: ${'a'.repeat(70_000)}`, `Content-Length: ${body.length}`])}\r\n${body}` },
      { label: 'truncated body, then half-close', halfClose: true, text: (p: string) => `${head(p, ['Content-Length: 4000', 'Connection: close'])}\r\n${body}` },
      { label: 'truncated chunked body, then half-close', halfClose: true, text: (p: string) => `${head(p, ['Transfer-Encoding: chunked', 'Connection: close'])}\r\n100\r\n${body}` },
      { label: 'headers never finished, then half-close', halfClose: true, text: (p: string) => `POST ${p} HTTP/1.1\r\nHost: x\r\nContent-Le` },
    ),
  );
  return fc.tuple(target, variants).map(([path, v]) => {
    const t = v.text(path);
    return { kind: 'raw' as const, label: v.label, bytes: Buffer.isBuffer(t) ? t : Buffer.from(t, 'latin1'), halfClose: Boolean(v.halfClose), framingConflict: Boolean(v.conflict) };
  });
}

/** The whole mix: mostly client-library requests, one in ten raw. */
export function hostileCase(routes: RouteEntry[], keys: CaseKeys): fc.Arbitrary<HostileCase> {
  return fc.oneof({ weight: 9, arbitrary: httpCase(routes, keys) }, { weight: 1, arbitrary: rawCase(routes, keys) });
}
