import type { InvalidResponseReason, ValidAssertion, ValidationSettings } from './saml-response-validator.js';
import type { ServiceProvider } from './service-provider.js';

/** A validation the pool hands a worker: everything validateSamlDocument needs, as plain data. */
export interface WorkerJob {
  id: number;
  sp: ServiceProvider;
  idpCertificate: string | string[];
  settings: ValidationSettings;
  /** The decoded response (decodeSamlResponse), transferred, not copied. */
  document: Uint8Array;
}

/** A worker's message: ready after start-up, then one answer per job. */
export type WorkerAnswer = { ready: true } | { id: number; assertion: ValidAssertion } | { id: number; refusal: { reason: InvalidResponseReason; detail: string } } | { id: number; failure: string };
