import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import type { NextFunction, Request, Response } from 'express';
import type { Logger as PinoLogger } from 'pino';
import { webUrlRedirects } from './web-url-redirects.js';
import { isScimPath, sendError } from './app-error.filter.js';
import { bodyParsing } from './common/body-parsing.js';
import { parseQueryString } from './common/query-string.js';
import { httpLogging, NestPinoLogger } from './ops/logging.js';
import { measureRequests } from './ops/measure-requests.js';
import { Metrics } from './ops/metrics.js';
import { ROOT_LOGGER } from './ops/ops.module.js';
import { SCIM_CONTENT_TYPE } from './scim/scim-content-type.js';
import { scimRequestLogMiddleware } from './scim/scim-request-log.middleware.js';
import { ScimRequestLogService } from './scim/scim-request-log.service.js';

/**
 * Everything the HTTP app needs besides its modules; shared by main.ts, the e2e tests and the
 * benchmark so they all run the same server.
 */
export function configureApp(app: NestExpressApplication): void {
  app.useLogger(app.get(NestPinoLogger));
  const logger = new Logger('HTTP');
  const metrics = app.get(Metrics);
  app.disable('x-powered-by');
  // First of all: every request gets its id (and log line) and its duration measured, whatever
  // later middleware does with it.
  app.use(httpLogging(app.get<PinoLogger>(ROOT_LOGGER)));
  app.use(measureRequests(metrics));
  // No body-hash ETags: SCIM resources carry their own version ETag, and hashing every list and
  // admin page (100 KB for a page of 100) costs more than a client saves by revalidating it.
  app.set('etag', false);
  app.set('query parser', parseQueryString);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'", 'https:', 'http:'],
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use(cookieParser());
  // Before the UI's static files (registered when the app starts): a web_url opens its UI page.
  app.use(webUrlRedirects);
  // Registered before body parsing, so a refused body (415, 413, malformed JSON) is logged too.
  // RFC 7644 §3.1: SCIM responses are application/scim+json (res.json keeps a type already set).
  const logScimRequest = scimRequestLogMiddleware(app.get(ScimRequestLogService), metrics);
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (!isScimPath(request.path)) return next();
    response.setHeader('Content-Type', SCIM_CONTENT_TYPE);
    logScimRequest(request, response, next);
  });
  app.use(bodyParsing((request, response, error) => sendError(request, response, error, logger)));
}
