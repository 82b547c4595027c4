/**
 * The answer to a request Node's HTTP parser refused (conflicting Content-Length /
 * Transfer-Encoding, bad syntax, headers over the size limit, a client too slow to send its
 * request): the API's JSON error body, then a *lingering* close. Fastify's default writes its
 * answer and destroys the socket at once; with the client's bytes still unread the kernel then
 * sends a reset, and the client often loses the answer it was sent. Here we half-close after
 * the answer and read (and drop) what the client still sends, for a bounded time, as
 * RFC 9112 §9.6 advises.
 */
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './http-errors.ts';

const LINGER_MS = 2_000;
const answered = new WeakSet<Socket>();

interface ClientError extends Error { code?: string; rawPacket?: unknown }

function describe(err: ClientError): { status: number; code: string; message: string } {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request (headers and body) did not arrive in time; the connection is closed.' };
  if (err.code === 'HPE_HEADER_OVERFLOW') return { status: 431, code: 'HEADERS_TOO_LARGE', message: 'The request line and headers are larger than the server accepts.' };
  return { status: 400, code: 'MALFORMED_REQUEST', message: 'The request is not valid HTTP/1.1 (conflicting Content-Length / Transfer-Encoding, bad chunking or header syntax); it was not processed.' };
}

export function answerClientError(securityHeaders: Record<string, string>) {
  return (err: ClientError, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
    answered.add(socket);
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, code, message } = describe(err);
    const head = Buffer.isBuffer(err.rawPacket) && err.rawPacket.subarray(0, 5).toString('latin1') === 'HEAD ';
    const body = head ? '' : JSON.stringify(errorBody(status, code, message));
    const headers = { ...securityHeaders, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
    const text = `HTTP/1.1 ${status} ${errorBody(status, code, message).error}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`;
    const linger = setTimeout(() => socket.destroy(), LINGER_MS);
    linger.unref();
    socket.once('close', () => clearTimeout(linger));
    socket.on('end', () => socket.destroy());
    socket.end(text);
    socket.resume();
  };
}

/**
 * A request answered before its body arrived (401 from auth, 414, 413 …) leaves the rest of the
 * body on the connection. Node then closes a chunked one after the answer while the answer
 * said "keep-alive", so the client's next request on it met a closed socket ("socket hang up";
 * bench/hostile found it). Saying `Connection: close` whenever the body is unread makes the
 * close announced, as RFC 9112 §9.6 requires.
 */
export function registerCloseWhenBodyUnread(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    announceCloseIfBodyUnread(request, reply);
    done(null, payload);
  });
}

/** Also called from `frameworkErrors` (bad URL encoding), whose answers skip the onSend hooks. */
export function announceCloseIfBodyUnread(request: FastifyRequest, reply: FastifyReply): void {
  if (!request.raw.complete) reply.header('connection', 'close');
}
