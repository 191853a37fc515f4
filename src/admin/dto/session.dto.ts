import { RequiredText } from './coercion.js';

/** POST /session: the personal access token to sign in with (any length: a wrong one is a 401). */
export class SignInDto {
  @RequiredText(2_000_000) token: string;
}
