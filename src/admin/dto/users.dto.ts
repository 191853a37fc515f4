import { IsOptional } from 'class-validator';
import { OptionalDate, OptionalId, OptionalText, OptionalTextList, RequiredText, ToBoolean } from './coercion.js';

/** POST /users: GitLab's names (`admin`) and Roster's (`is_admin`) for the same flag. */
export class CreateUserDto {
  @RequiredText(255) username: string;
  @RequiredText(255) name: string;
  @RequiredText(254) email: string;
  /** Coerced here, checked by parseNewAccount with the other fields, so every problem is told at once. */
  @IsOptional() @ToBoolean() is_admin?: unknown;
  @IsOptional() @ToBoolean() admin?: unknown;
}

/** POST /users/:id/personal_access_tokens; `scopes` and `expires_at` are accepted as GitLab's clients send them. */
export class CreateTokenDto {
  @RequiredText(255) name: string;
  @OptionalTextList() scopes?: string[];
  @OptionalDate() expires_at?: string | null;
  @OptionalText(1000) description?: string;
}

/**
 * PUT /users/:id (admin): profile fields (GitLab's `admin`, or `is_admin`, for the admin flag), and
 * GitLab's way for admins to add or fix an identity: `provider` + `extern_uid`, with
 * `group_id_for_saml` naming the group for `group_saml`. GitLab's other user attributes (skype,
 * projects_limit, …) describe things Roster does not have and are not stored.
 */
export class UpdateUserDto {
  @OptionalText(255, false) name?: string;
  @OptionalText(255, false) username?: string;
  @OptionalText(254, false) email?: string;
  /** Coerced here, checked by parseAccountChange with the other fields, so every problem is told at once. */
  @IsOptional() @ToBoolean() admin?: unknown;
  @IsOptional() @ToBoolean() is_admin?: unknown;
  @OptionalText(100) provider?: string;
  @OptionalText(2048, false) extern_uid?: string;
  @OptionalId() group_id_for_saml?: number;
}
