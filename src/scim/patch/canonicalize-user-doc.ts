/**
 * POST and PUT bodies become stored docs through the same writer PATCH uses, so all three
 * normalise identically (canonical attribute names, dotted and URN-prefixed keys resolved, string
 * booleans coerced, nulls and "" dropped, `id`/`meta`/`groups`/`password` left out).
 */
import { DomainError } from '../../common/domain-error.js';
import { writeObject } from './attribute-writer.js';
import { isPlainObject, type ScimUserDoc } from './user-doc.js';

export function canonicalizeUserDoc(input: unknown): ScimUserDoc {
  if (!isPlainObject(input)) throw new DomainError('invalid_syntax', 'a User must be a JSON object');
  const doc: ScimUserDoc = {};
  writeObject(doc, input, 'replace', 'document');
  return doc;
}
