import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from './metrics.js';
import { routeOf, surfaceOf } from './route-label.js';

/** Every request's duration into the histogram, labelled once its response has finished. */
export function measureRequests(metrics: Metrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      metrics.httpRequest(surfaceOf(request.path), request.method, routeOf(request), response.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
