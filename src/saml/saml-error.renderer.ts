import { HttpException, Logger } from '@nestjs/common';
import { registerErrorRenderer } from '../app-error.filter.js';
import type { RenderedError } from '../admin/admin-error.renderer.js';
import { DomainError, DomainErrorCode } from '../common/domain-error.js';
import { DOMAIN_ERROR_STATUS } from '../common/domain-error-status.js';
import { refusalPage } from './saml-pages.js';
import { SamlRefusal } from './saml-sign-in.errors.js';
import { isSamlPagePath } from './service-provider.js';

/**
 * The SAML pages use the admin API's statuses, except that a group without SAML SSO is "not found"
 * to a browser (there is no sign-in page to show). The body is a page, not JSON.
 */
const SAML_STATUS: Record<DomainErrorCode, number> = { ...DOMAIN_ERROR_STATUS, not_configured: 404 };

const HEADERS = { 'Cache-Control': 'no-store' };

function html(
  status: number,
  title: string,
  message: string,
  steps: string[] = [],
  reason?: string,
  retryAfterSeconds?: number,
  troubleshootUrl?: string,
  scope: 'group' | 'instance' = 'group',
): RenderedError {
  const headers = retryAfterSeconds === undefined ? HEADERS : { ...HEADERS, 'Retry-After': String(retryAfterSeconds) };
  return { status, body: refusalPage({ title, message, steps, reason, troubleshootUrl, scope }), headers };
}

/** Anything thrown below /groups/<path>/-/saml/ or /users/auth/saml/ becomes a plain page: no stack trace, no XML. */
export function renderSamlError(error: unknown, logger: Logger): RenderedError {
  if (error instanceof SamlRefusal) {
    return html(SAML_STATUS[error.code], error.text.title, error.text.message, error.text.steps, error.reason, error.options.retryAfterSeconds, error.troubleshootUrl, error.scope);
  }
  if (error instanceof DomainError) return html(SAML_STATUS[error.code], 'SAML sign-in failed', error.message);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) return html(404, 'Page not found', 'There is no SAML page at this address.');
    if (status < 500) return html(status, 'Request not accepted', 'The request could not be processed.');
  }
  const httpish = error as { status?: number; type?: string };
  if (httpish?.type === 'entity.too.large') return html(413, 'Request too large', 'The SAML response is larger than 1 MiB.');
  if (typeof httpish?.status === 'number' && httpish.status >= 400 && httpish.status < 500) {
    return html(httpish.status, 'Request not accepted', 'The form could not be read.');
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return html(500, 'Something went wrong', 'The sign-in could not be completed because of an error on our side. Please try again.');
}

let registered = false;

/** Registers the HTML renderer for the SAML paths with the global filter, once per process. */
export function registerSamlErrorRenderer(): void {
  if (registered) return;
  registered = true;
  registerErrorRenderer(isSamlPagePath, renderSamlError);
}
