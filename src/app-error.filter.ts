import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { renderAdminError, RenderedError } from './admin/admin-error.renderer.js';
import { GITLAB_JSON } from './admin/gitlab-json.middleware.js';
import { renderScimError } from './scim/scim-error.renderer.js';

export type ErrorRenderer = (error: unknown, logger: Logger) => RenderedError & { contentType?: string };

/** HTML renderers register here (the SAML pages), keyed by a path test. */
const extraRenderers: { test: (path: string) => boolean; render: ErrorRenderer }[] = [];

export function registerErrorRenderer(test: (path: string) => boolean, render: ErrorRenderer): void {
  extraRenderers.push({ test, render });
}

export function isScimPath(path: string): boolean {
  return path.startsWith('/api/scim/');
}

/**
 * The one global exception filter: picks the renderer of the API surface the request is on, so a
 * SCIM client always gets a SCIM error body, a script on /api/v4 `{"message"}`, a browser a page.
 */
export function renderForPath(path: string, error: unknown, logger: Logger): RenderedError & { contentType: string } {
  if (isScimPath(path)) {
    const { status, body, headers } = renderScimError(error, logger);
    return { status, body, headers, contentType: 'application/scim+json; charset=utf-8' };
  }
  for (const extra of extraRenderers) {
    if (extra.test(path)) {
      const rendered = extra.render(error, logger);
      return { ...rendered, contentType: rendered.contentType ?? 'text/html; charset=utf-8' };
    }
  }
  // GitLab's exact media type, as for every other /api/v4 answer (gitlab-json.middleware.ts).
  return { ...renderAdminError(error, logger), contentType: GITLAB_JSON };
}

export function sendError(request: Request, response: Response, error: unknown, logger: Logger): void {
  const rendered = renderForPath(request.path, error, logger);
  // A server error's request log line (pino-http, which reads `err`) carries the exception with
  // its stack, next to the request's id.
  if (rendered.status === 500 && error instanceof Error) (response as Response & { err?: Error }).err = error;
  const body = rendered.body as { detail?: string; message?: unknown };
  response.locals.errorDetail = typeof body?.detail === 'string' ? body.detail : typeof body?.message === 'string' ? body.message : undefined;
  if (response.headersSent) return;
  // setHeader, not type(): Express's type() appends a charset to application/json.
  // A Buffer body, so send() keeps that type instead of appending a charset too.
  response.status(rendered.status).set(rendered.headers).setHeader('Content-Type', rendered.contentType);
  response.send(Buffer.from(typeof rendered.body === 'string' ? rendered.body : JSON.stringify(rendered.body), 'utf8'));
}

@Catch()
export class AppErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(http.getRequest<Request>(), http.getResponse<Response>(), error, this.logger);
  }
}
