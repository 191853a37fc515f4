import { OptionalBoolean, OptionalIdList, OptionalOneOf, OptionalText, ToInteger } from './coercion.js';

/**
 * The filters GitLab documents for GET /groups that apply to Roster's groups (all top-level and
 * private): `all_available` and `top_level_only` select what every Roster group already is.
 */
export class GroupsQueryDto {
  @OptionalText(255) search?: string;
  @OptionalBoolean() owned?: boolean;
  @OptionalOneOf([5, 10, 15, 20, 30, 40, 50], ToInteger()) min_access_level?: number;
  @OptionalIdList() skip_groups?: number[];
  @OptionalBoolean() all_available?: boolean;
  @OptionalBoolean() top_level_only?: boolean;
}
