import type { NextFunction, Request, Response } from 'express';

/** GitLab's exact media type: python-gitlab compares the header to "application/json" verbatim. */
export const GITLAB_JSON = 'application/json';

/**
 * Express's `res.json` sends `application/json; charset=utf-8`, and python-gitlab 3.x then refuses
 * every object it is given ("Attempted to initialize RESTObject with a non-dictionary value") —
 * after the write has happened. A Buffer body keeps the type as set; JSON is UTF-8 by definition
 * (RFC 8259 §8.1), so nothing is lost by leaving the parameter out.
 */
export function gitlabJsonResponses(_request: Request, response: Response, next: NextFunction): void {
  response.json = function json(this: Response, body: unknown) {
    const text = JSON.stringify(body);
    if (!this.get('Content-Type')) this.setHeader('Content-Type', GITLAB_JSON);
    return this.send(text === undefined ? Buffer.alloc(0) : Buffer.from(text, 'utf8'));
  };
  next();
}
