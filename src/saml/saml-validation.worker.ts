/**
 * The entry of a SAML validation worker thread (saml-validation-pool.ts). It loads only the
 * validator and what it imports (no Nest, no database), says it is ready, then validates one
 * decoded response per message and answers with the assertion or the refusal.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { InvalidSamlResponse, validateSamlDocument } from './saml-response-validator.js';
import type { WorkerAnswer, WorkerJob } from './saml-validation-protocol.js';

/**
 * The validation thread yields the CPU to the event loop: on Linux a thread's nice value is its
 * own, so serving requests (`/health`, SCIM) keeps its turn while responses are checked, and only
 * when the cores are oversubscribed does this matter. A/B under a hostile-response flood on the
 * 2-core machine (load average 11–14, alternating, /health p99 / max): nice 0 → 73/241, 106/181,
 * 163/415, 182/371 ms; nice 10 → 54/118, 97/155, 120/206, 113/320 ms. A real response's ~10 ms of
 * validation still fits its deadline easily at that share. Where the OS refuses, nothing changes.
 */
const VALIDATION_NICE = 10;
try {
  setPriority(VALIDATION_NICE);
} catch {
  // Not permitted here (some sandboxes): validation runs at the process's priority.
}
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
