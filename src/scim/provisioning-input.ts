import { DomainError } from '../common/domain-error.js';
import { isEmailAddress } from '../users/users.service.js';
import type { ScimUserDoc } from './scim-user-doc.js';

/** GitLab's extern_uid column holds at most 255 characters. */
export const MAX_EXTERN_UID_LENGTH = 255;

export interface ProvisioningInput {
  externUid: string;
  userName: string;
  email: string;
  name: string;
  active: boolean;
}

function nonBlank(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function validateExternUid(value: string): string {
  if (value.length > MAX_EXTERN_UID_LENGTH) {
    throw new DomainError('invalid_value', `externalId is longer than ${MAX_EXTERN_UID_LENGTH} characters`);
  }
  return value;
}

/**
 * The email a SCIM User maps to: the `work` entry (any case), else the primary one, else the first;
 * with no usable entry, userName when it is an email address.
 */
export function pickEmail(doc: ScimUserDoc): string | undefined {
  const emails = (Array.isArray(doc.emails) ? doc.emails : []).map(record).filter((e) => nonBlank(e.value));
  const chosen = emails.find((e) => typeof e.type === 'string' && e.type.toLowerCase() === 'work') ?? emails.find((e) => e.primary === true) ?? emails[0];
  if (chosen) return (chosen.value as string).trim();
  const userName = nonBlank(doc.userName);
  return userName && isEmailAddress(userName.trim()) ? userName.trim() : undefined;
}

/** name.formatted, else givenName + familyName, else displayName, else userName: never blank. */
export function pickName(doc: ScimUserDoc): string {
  const name = record(doc.name);
  const formatted = nonBlank(name.formatted);
  if (formatted) return formatted.trim();
  const parts = [nonBlank(name.givenName), nonBlank(name.familyName)].filter((p): p is string => p !== undefined);
  if (parts.length > 0) return parts.map((p) => p.trim()).join(' ');
  return (nonBlank(doc.displayName) ?? String(doc.userName)).trim();
}

/** The values the decision table works with, derived from a canonicalised POST body. */
export function provisioningInput(doc: ScimUserDoc, bodyId: unknown): ProvisioningInput {
  const userName = nonBlank(doc.userName);
  if (!userName) throw new DomainError('invalid_value', 'userName is required');
  const externUid = validateExternUid((nonBlank(doc.externalId) ?? nonBlank(bodyId) ?? userName).trim());
  const email = pickEmail(doc);
  if (!email) throw new DomainError('invalid_value', 'An email address is required: send emails[].value or an email address as userName');
  if (!isEmailAddress(email)) throw new DomainError('invalid_value', `"${email}" is not a valid email address`);
  return { externUid, userName, email, name: pickName(doc), active: doc.active !== false };
}
