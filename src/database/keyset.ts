import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { keysetWindow, type KeysetPage, type KeysetRequest } from '../common/paging.js';

/**
 * One keyset page of a filtered query builder, by `alias.id`, for a list shown in `order` (`DESC`:
 * newest first). "After" and "before" follow the list's order: the page after a row of a
 * newest-first list holds older rows. One row past the page is read in the direction of travel, so
 * the answer knows whether another page lies beyond. The total is a COUNT of the filtered rows.
 */
export async function keysetPage<T extends ObjectLiteral & { id: number }>(qb: SelectQueryBuilder<T>, alias: string, request: KeysetRequest, order: 'ASC' | 'DESC'): Promise<KeysetPage<T>> {
  const total = await qb.clone().getCount();
  const backwards = request.beforeId !== undefined || request.fromEnd === true;
  const later = order === 'ASC' ? '>' : '<';
  const earlier = order === 'ASC' ? '<' : '>';
  const page = qb.clone();
  if (request.afterId !== undefined) page.andWhere(`${alias}.id ${later} :keysetAfter`, { keysetAfter: request.afterId });
  if (request.beforeId !== undefined) page.andWhere(`${alias}.id ${earlier} :keysetBefore`, { keysetBefore: request.beforeId });
  const scan = backwards === (order === 'ASC') ? 'DESC' : 'ASC';
  const rows = await page
    .orderBy(`${alias}.id`, scan)
    .limit(request.perPage + 1)
    .getMany();
  // Read in the direction of travel; the window wants the list's order.
  if (backwards) rows.reverse();
  return { ...keysetWindow(rows, request, (row) => row.id), total };
}
