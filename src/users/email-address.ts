const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Whether a value has the shape of an email address. A module of its own, with no imports, so the
 * SAML validation worker (saml-validation.worker.ts) can use it without loading the app.
 */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}
