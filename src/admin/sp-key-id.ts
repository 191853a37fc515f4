import { DomainError } from '../common/domain-error.js';

/** The `:key_id` of an SP key path: a positive id within the column's range, else 404 (no such key). */
export function spKeyId(value: string): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) < 1 || Number(value) > 2_147_483_647) throw new DomainError('not_found', '404 SP key Not Found');
  return Number(value);
}
