/**
 * The entry of a SAML validation worker thread (saml-validation-pool.ts). It loads only the
 * validator and what it imports (no Nest, no database), says it is ready, then validates one
 * decoded response per message and answers with the assertion or the refusal.
 */
import { parentPort } from 'node:worker_threads';
import { InvalidSamlResponse, validateSamlDocument } from './saml-response-validator.js';
import type { WorkerAnswer, WorkerJob } from './saml-validation-protocol.js';

const port = parentPort;
if (!port) throw new Error('saml-validation.worker runs only as a worker thread');

port.on('message', (job: WorkerJob) => {
  validateSamlDocument(job.sp, job.idpCertificate, job.document, job.settings).then(
    (assertion) => port.postMessage({ id: job.id, assertion } satisfies WorkerAnswer),
    (error: unknown) => {
      const answer: WorkerAnswer =
        error instanceof InvalidSamlResponse
          ? { id: job.id, refusal: { reason: error.reason, detail: error.detail } }
          : { id: job.id, failure: error instanceof Error ? error.message : String(error) };
      port.postMessage(answer);
    },
  );
});
port.postMessage({ ready: true } satisfies WorkerAnswer);
