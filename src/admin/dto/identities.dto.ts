import { RequiredText } from './coercion.js';

/** PATCH of a SAML or SCIM identity, and the mismatch report's resolve: the new `extern_uid`. */
export class ExternUidDto {
  @RequiredText(2048) extern_uid: string;
}
