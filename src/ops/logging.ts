import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import type { Request } from 'express';
import { pino, type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { isScimPath } from '../app-error.filter.js';
import { scopeKey } from '../common/scope.js';
import { redactQuery } from '../scim/redaction.js';
import { concerned } from '../scim/scim-request-log.middleware.js';
import type { ScimRequest } from '../scim/scim-scope.guard.js';
import { requestIdFrom } from './request-id.js';
import { routeOf } from './route-label.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Header values that carry credentials. pino's redaction replaces them wherever a request or
 * response is logged, so adding a header to the log can never leak one.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["private-token"]',
  'req.headers["job-token"]',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

/** The one pino logger of a Roster process: JSON lines on stdout (or `destination`, for tests). */
export function createRootLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'roster' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[FILTERED]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

const QUIET_PATHS = /^\/(health(\/.*)?|metrics|api\/ping)$/;

/**
 * Server failures at error; 501 is an answer (a SCIM feature Roster does not offer), not a failure.
 * Health checks and scrapes arrive every few seconds from machines: they log at debug.
 */
function levelFor(request: IncomingMessage, response: ServerResponse, error?: Error): 'debug' | 'info' | 'error' {
  if (error || (response.statusCode >= 500 && response.statusCode !== 501)) return 'error';
  return QUIET_PATHS.test((request as Request).path) ? 'debug' : 'info';
}

/** What a request line says besides pino-http's own fields: where it went and whom it concerned. */
function requestFacts(request: IncomingMessage) {
  const req = request as ScimRequest;
  const facts: Record<string, unknown> = { route: routeOf(req) };
  if (isScimPath(req.path)) {
    const scim = req.scimContext;
    if (scim) facts.scope = scopeKey(scim.scope);
    const externalId = concerned(req.path, req.query as Record<string, unknown>, req.body).externalId;
    if (externalId !== null) facts.externalId = externalId;
  }
  return facts;
}

/**
 * One JSON line per finished request (pino-http): request id, method, URL with secret query
 * parameters masked, status, duration, route, and for SCIM the scope and the externalId concerned.
 * Bodies are never logged. The id comes from `X-Request-Id` when a proxy set one, and is echoed.
 */
export function httpLogging(logger: Logger) {
  return pinoHttp({
    logger,
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    genReqId: (request: IncomingMessage, response: ServerResponse) => {
      const id = requestIdFrom(request.headers['x-request-id']);
      response.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: levelFor,
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (request: IncomingMessage, _response: ServerResponse, value: Record<string, unknown>) => ({ ...value, ...requestFacts(request) }),
    // pino-http makes up an Error for a 5xx status, whose stack points into pino-http: the line keeps
    // only a real exception (the error filter hands it over as `response.err`, stack included).
    customErrorObject: (request: IncomingMessage, _response: ServerResponse, _error: Error, value: Record<string, unknown>) => {
      const { err, ...rest } = value;
      const invented = err instanceof Error && err.message.startsWith('failed with status code');
      return { ...rest, ...(invented ? {} : { err }), ...requestFacts(request) };
    },
    serializers: {
      req: (request: { method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string }) => {
        const at = request.url.indexOf('?');
        return {
          method: request.method,
          url: at < 0 ? request.url : `${request.url.slice(0, at)}?${redactQuery(request.url.slice(at + 1))}`,
          headers: request.headers,
          remoteAddress: request.remoteAddress,
        };
      },
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
  });
}

/**
 * Nest's own messages (start-up, errors caught by filters) and Roster's `new Logger(…)` lines
 * through the same pino logger, so every line of the process has one format. Nest passes
 * `(message, stack?, context?)` to error().
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  private static readonly QUIET_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

  log(message: unknown, context?: unknown): void {
    const quiet = typeof context === 'string' && NestPinoLogger.QUIET_CONTEXTS.has(context);
    this.write(quiet ? 'debug' : 'info', message, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    const context = rest.length > 1 ? rest.at(-1) : typeof rest[0] === 'string' && !isStack(rest[0]) ? rest[0] : undefined;
    const stack = rest.length > 1 ? rest[0] : isStack(rest[0]) ? rest[0] : undefined;
    this.write('error', message, context, typeof stack === 'string' ? stack : undefined);
  }
  warn(message: unknown, context?: unknown): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: unknown): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: unknown): void {
    this.write('debug', message, context);
  }
  fatal(message: unknown, context?: unknown): void {
    this.write('fatal', message, context);
  }

  private write(level: 'debug' | 'info' | 'warn' | 'error' | 'fatal', message: unknown, context: unknown, stack?: string): void {
    const fields: Record<string, unknown> = {};
    if (typeof context === 'string') fields.context = context;
    if (message instanceof Error) fields.err = message;
    else if (stack !== undefined) fields.stack = stack;
    this.logger[level](fields, message instanceof Error ? message.message : String(message));
  }
}

function isStack(value: unknown): boolean {
  return typeof value === 'string' && /\n\s+at /.test(value);
}
