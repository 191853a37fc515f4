import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import { requestIdOf } from './request-id.js';

/**
 * The id of the HTTP request being served, for the rows it writes (audit events, the SCIM request
 * log) so that one id leads from a log line to what changed. It is a fact about the request, not
 * the domain: carrying it through every service signature would touch every path that writes an
 * audit event, so it travels with the async context instead, like the log line's own id.
 */
const storage = new AsyncLocalStorage<string>();

/** Null outside a request (background jobs, the CLI, start-up). */
export function currentRequestId(): string | null {
  return storage.getStore() ?? null;
}

/**
 * Registered after body parsing: body-parser resumes the chain from the request stream's events,
 * which run in the context the stream was created in, so a context entered earlier would be lost.
 */
export function requestContext(request: Request, _response: Response, next: NextFunction): void {
  const id = requestIdOf(request);
  if (id === null) return next();
  storage.run(id, next);
}

/** For tests and jobs that act on behalf of a known request. */
export function withRequestId<T>(id: string, work: () => T): T {
  return storage.run(id, work);
}
