import { IsOptional } from 'class-validator';
import { OptionalDate, OptionalText, OptionalTextList, RequiredText, ToBoolean } from './coercion.js';

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
