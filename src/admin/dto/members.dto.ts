import { applyDecorators } from '@nestjs/common';
import { IsIn, IsInt, Max, Min, ValidateIf } from 'class-validator';
import { ACCESS_LEVELS } from '../../groups/member.entity.js';
import type { AccessLevel } from '../../groups/member.entity.js';
import { MAX_DB_INTEGER, OptionalDate, OptionalText, Required, ToInteger, ToIntegerList, NotInThePast } from './coercion.js';

const LEVEL_PROBLEM = 'must be one of 5 (Minimal Access), 10 (Guest), 15 (Planner), 20 (Reporter), 30 (Developer), 40 (Maintainer), 50 (Owner)';
const IDS_PROBLEM = `must be whole numbers from 1 to ${MAX_DB_INTEGER}, separated by commas`;

function RequiredAccessLevel(): PropertyDecorator {
  return applyDecorators(Required(), ToInteger(), IsIn([...ACCESS_LEVELS], { message: LEVEL_PROBLEM }));
}

/**
 * POST /groups/:id/members as GitLab takes it: `user_id` (one id, or several separated by commas,
 * numbers sent as text too) or `username`, and `access_level`, `expires_at`.
 */
export class AddMemberDto {
  @ValidateIf((dto: AddMemberDto) => dto.username === undefined)
  @Required()
  @ToIntegerList()
  @IsInt({ each: true, message: IDS_PROBLEM })
  @Min(1, { each: true, message: IDS_PROBLEM })
  @Max(MAX_DB_INTEGER, { each: true, message: IDS_PROBLEM })
  user_id?: number[];

  @OptionalText(255) username?: string;
  @RequiredAccessLevel() access_level: AccessLevel;
  @OptionalDate() @NotInThePast() expires_at?: string | null;
}

/** PUT /groups/:id/members/:user_id: the role, and the expiry date when given (empty clears it). */
export class ChangeMemberDto {
  @RequiredAccessLevel() access_level: AccessLevel;
  @OptionalDate() @NotInThePast() expires_at?: string | null;
}
