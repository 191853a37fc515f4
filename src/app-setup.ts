import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import type { NextFunction, Request, Response } from 'express';
import { isScimPath, sendError } from './app-error.filter.js';
import { bodyParsing } from './common/body-parsing.js';
import { parseQueryString } from './common/query-string.js';
import { scimRequestLogMiddleware } from './scim/scim-request-log.middleware.js';
import { ScimRequestLogService } from './scim/scim-request-log.service.js';

/**
 * Everything the HTTP app needs besides its modules; shared by main.ts, the e2e tests and the
 * benchmark so they all run the same server.
 */
export function configureApp(app: NestExpressApplication): void {
  const logger = new Logger('HTTP');
  app.disable('x-powered-by');
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
  // Registered before body parsing, so a refused body (415, 413, malformed JSON) is logged too.
  const logScimRequest = scimRequestLogMiddleware(app.get(ScimRequestLogService));
  app.use((request: Request, response: Response, next: NextFunction) => (isScimPath(request.path) ? logScimRequest(request, response, next) : next()));
  app.use(bodyParsing((request, response, error) => sendError(request, response, error, logger)));
}
