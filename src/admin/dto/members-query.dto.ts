import { OptionalIdList, OptionalOneOf, OptionalText } from './coercion.js';

/** GitLab's filters for GET /groups/:id/members; `search` is Roster's older name for `query`. */
export class MembersQueryDto {
  @OptionalText(255) query?: string;
  @OptionalText(255) search?: string;
  @OptionalIdList() user_ids?: number[];
  @OptionalIdList() skip_users?: number[];
  /** Roster has no memberships awaiting a seat: `awaiting` finds nobody, `active` everybody. */
  @OptionalOneOf(['active', 'awaiting']) state?: 'active' | 'awaiting';
}
