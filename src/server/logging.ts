import type { FastifyServerOptions } from 'fastify';
import type { Redactor } from '../privacy/index.js';

/** What never goes into a log line: credentials, and the texts customers and agents write. */
export const LOG_REDACT = ['req.headers.authorization', 'req.headers.cookie', 'req.body', 'res.body'];

type LoggerOption = FastifyServerOptions['logger'];

interface LoggedRequest { method: string; url: string; ip?: string; routeOptions?: { url?: string } }

/**
 * The server's pino options made safe, whatever the caller passed: request lines carry the path without its query
 * string (a help center search, or an `access_token`, would otherwise be written down), errors are redacted (an
 * exception may quote a customer's words), and the credential and body paths are censored.
 */
export function safeLogger(logger: LoggerOption, redact: Redactor): LoggerOption {
  if (!logger) return false;
  const options = logger === true ? {} : logger as Exclude<LoggerOption, true | false | undefined> & Record<string, unknown>;
  return {
    redact: { paths: LOG_REDACT, censor: '[redacted]' },
    ...options,
    serializers: {
      ...(options as { serializers?: Record<string, unknown> }).serializers,
      req: (request: LoggedRequest) => ({
        method: request.method, url: withoutQuery(request.url), ...(request.routeOptions?.url && { route: request.routeOptions.url }),
        remoteAddress: request.ip,
      }),
      err: (error: Error & { code?: string; statusCode?: number }) => ({
        type: error.name, message: redact(error.message ?? ''), ...(error.code && { code: error.code }),
        ...(error.statusCode && { statusCode: error.statusCode }), stack: redact(error.stack ?? ''),
      }),
    },
  } as LoggerOption;
}

export const withoutQuery = (url: string) => url.split('?')[0]!;
