import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { LINK_INVITATION_STATES } from '../../saml/link-invitation-state.js';
import { MAX_DB_INTEGER, OptionalId, OptionalOneOf, Required, ToInteger } from './coercion.js';

const ID_PROBLEM = `must be a whole number from 1 to ${MAX_DB_INTEGER}`;

/** POST …/saml_link_invitations: the account to invite, and how many days the link lasts (range checked by the service). */
export class CreateLinkInvitationDto {
  @Required()
  @ToInteger()
  @IsInt({ message: ID_PROBLEM })
  @Min(1, { message: ID_PROBLEM })
  @Max(MAX_DB_INTEGER, { message: ID_PROBLEM })
  user_id: number;

  @IsOptional() @ToInteger() expires_in_days?: unknown;
}

/** GET …/saml_link_invitations filters. */
export class LinkInvitationsQueryDto {
  @OptionalOneOf(LINK_INVITATION_STATES) state?: (typeof LINK_INVITATION_STATES)[number];
  @OptionalId() user_id?: number;
}
