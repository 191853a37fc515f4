import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { projectRoot } from '../project-root.js';
import { InvalidSamlResponse } from './saml-response-validator.js';
import type { ValidAssertion, ValidationSettings } from './saml-response-validator.js';
import type { WorkerAnswer, WorkerJob } from './saml-validation-protocol.js';
import type { ServiceProvider } from './service-provider.js';

export interface SamlValidationPoolOptions {
  /** Worker threads; each validates one response at a time. */
  size: number;
  /** How long one validation may run in its worker before the worker is ended and replaced. */
  deadlineMs: number;
  /** Validations that may wait for a worker; one more is refused at once (validation_busy). */
  queueLimit: number;
}

/** One worker fewer than the cores, so the event loop keeps one, and at least one. */
export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** A validation to run: the decoded response (decodeSamlResponse) and what it is checked against. */
export interface ValidationRequest {
  sp: ServiceProvider;
  idpCertificate: string | string[];
  settings?: ValidationSettings;
  /** Handed to the worker (its ArrayBuffer is transferred when the array spans all of it). */
  document: Uint8Array;
}

interface Job {
  request: ValidationRequest;
  resolve: (assertion: ValidAssertion) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: (Job & { id: number; timer: NodeJS.Timeout }) | null;
}

/**
 * SAML response validation off the event loop (issue 14, saml.md "Validation has a deadline and
 * runs off the event loop"). node-saml's signature checks cost CPU that grows with the document;
 * the caps bound it to ~130 ms per response, and this pool keeps even that off the thread that
 * serves every other request:
 *
 * - `size` worker threads, started on first use, each running validateSamlDocument for one response;
 * - a job over `deadlineMs` ends its worker (terminate), is refused `validation_timeout`, and a new
 *   worker takes the ended one's place;
 * - at most `queueLimit` jobs wait; one more is refused `validation_busy` at once, so an attack
 *   costs bounded memory and the refusal tells the client to retry later.
 *
 * Results are exactly validateSamlDocument's (the assertion, or InvalidSamlResponse with its reason).
 */
export class SamlValidationPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private entry: Promise<URL> | null = null;
  private nextId = 1;
  private closed = false;

  constructor(readonly options: SamlValidationPoolOptions) {
    if (!(options.size >= 1) || !(options.deadlineMs >= 1) || !(options.queueLimit >= 0)) throw new Error('invalid SAML validation pool options');
  }

  /** How many validations wait for a worker now. */
  get queued(): number {
    return this.queue.length;
  }

  /** The workers' thread ids (a replaced worker has a new one). */
  get threadIds(): number[] {
    return this.slots.map((s) => s.worker.threadId);
  }

  validate(request: ValidationRequest): Promise<ValidAssertion> {
    if (this.closed) return Promise.reject(new Error('the SAML validation pool is closed'));
    const idle = this.slots.some((s) => s.ready && !s.job);
    if (!idle && this.queue.length >= this.options.queueLimit) {
      return Promise.reject(new InvalidSamlResponse('validation_busy', `all ${this.options.size} validation workers are busy and ${this.queue.length} responses wait`));
    }
    return new Promise<ValidAssertion>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.start().then(
        () => this.dispatch(),
        (error: unknown) => this.failAll(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }

  /** Ends every worker; waiting and running validations fail. */
  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new Error('the SAML validation pool is closed'));
    const workers = this.slots.splice(0).map((s) => {
      if (s.job) {
        clearTimeout(s.job.timer);
        s.job.reject(new Error('the SAML validation pool is closed'));
        s.job = null;
      }
      s.worker.removeAllListeners();
      s.worker.on('error', () => undefined);
      return s.worker;
    });
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** Starts the workers the first time they are needed. */
  private async start(): Promise<void> {
    if (!this.entry) {
      this.entry = workerEntry();
      const url = await this.entry;
      if (this.closed) return;
      for (let i = 0; i < this.options.size; i++) this.slots.push(this.spawn(url));
    }
    await this.entry;
  }

  private spawn(url: URL): Slot {
    const worker = new Worker(url);
    // The server's own handles keep the process alive; workers must not hold a finished one open.
    worker.unref();
    const slot: Slot = { worker, ready: false, job: null };
    worker.on('message', (answer: WorkerAnswer) => this.answered(slot, answer));
    worker.on('error', (error) => this.lost(slot, error));
    worker.on('exit', (code) => this.lost(slot, new Error(`the SAML validation worker exited (${code})`)));
    return slot;
  }

  private answered(slot: Slot, answer: WorkerAnswer): void {
    if ('ready' in answer) {
      slot.ready = true;
      this.dispatch();
      return;
    }
    const job = slot.job;
    if (!job || job.id !== answer.id) return;
    clearTimeout(job.timer);
    slot.job = null;
    if ('assertion' in answer) job.resolve(answer.assertion);
    else if ('refusal' in answer) job.reject(new InvalidSamlResponse(answer.refusal.reason, answer.refusal.detail));
    else job.reject(new Error(answer.failure));
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift()!;
      const id = this.nextId++;
      const timer = setTimeout(() => this.overdue(slot), this.options.deadlineMs);
      slot.job = { ...job, id, timer };
      const { document } = job.request;
      const whole = document.byteOffset === 0 && document.byteLength === document.buffer.byteLength && document.buffer instanceof ArrayBuffer;
      const message: WorkerJob = { id, ...job.request, settings: job.request.settings ?? {} };
      // Transferred, the bytes cost the event loop no copy; a shared or partial buffer is cloned.
      slot.worker.postMessage(message, whole ? [document.buffer as ArrayBuffer] : []);
    }
  }

  /** A validation over its deadline: its worker is ended and replaced; the response is refused. */
  private overdue(slot: Slot): void {
    const job = slot.job;
    if (!job) return;
    slot.job = null;
    this.replace(slot);
    job.reject(new InvalidSamlResponse('validation_timeout', `validation took longer than ${this.options.deadlineMs} ms; the worker was ended`));
  }

  /** A worker that died on its own (error, exit): its job fails, and it is replaced. */
  private lost(slot: Slot, error: Error): void {
    if (!this.slots.includes(slot)) return;
    const job = slot.job;
    slot.job = null;
    if (job) {
      clearTimeout(job.timer);
      job.reject(error);
    }
    this.replace(slot);
  }

  private replace(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    slot.worker.removeAllListeners();
    // Swallow the ended worker's late events; terminate() stops it even mid-computation.
    slot.worker.on('error', () => undefined);
    void slot.worker.terminate();
    if (this.closed) {
      this.slots.splice(index, 1);
      return;
    }
    void this.entry!.then((url) => {
      if (this.closed) return;
      const current = this.slots.indexOf(slot);
      if (current >= 0) this.slots[current] = this.spawn(url);
    });
  }

  private failAll(error: Error): void {
    for (const job of this.queue.splice(0)) job.reject(error);
  }
}

/**
 * The worker's entry file. Built (`npm start`, dist/): the compiled sibling. From the TypeScript
 * sources (jest): Node cannot run .ts, so the worker's few modules are transpiled once into
 * node_modules/.cache, keyed by their content.
 */
async function workerEntry(): Promise<URL> {
  const here = import.meta.url;
  if (here.endsWith('.js')) return new URL('./saml-validation.worker.js', here);
  return transpiledEntry(fileURLToPath(new URL('./saml-validation.worker.ts', here)));
}

/** The relative modules a source file loads at run time (type-only imports are erased). */
function valueImports(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'(\.{1,2}\/[^']+)\.js';/gm)) found.push(m[1]);
  return found;
}

async function transpiledEntry(entryTs: string): Promise<URL> {
  const root = projectRoot();
  const sources = new Map<string, string>();
  const pending = [resolve(entryTs)];
  while (pending.length) {
    const file = pending.pop()!;
    if (sources.has(file)) continue;
    const source = readFileSync(file, 'utf8');
    sources.set(file, source);
    for (const spec of valueImports(source)) pending.push(resolve(dirname(file), `${spec}.ts`));
  }
  const hash = createHash('sha256');
  for (const [file, source] of [...sources].sort(([a], [b]) => a.localeCompare(b))) hash.update(file).update('\0').update(source).update('\0');
  const outDir = join(root, 'node_modules/.cache/roster-saml-worker', hash.digest('hex').slice(0, 16));
  const outFile = (file: string) => join(outDir, relative(root, file).replace(/\.ts$/, '.js'));
  if (!existsSync(outFile(entryTs))) {
    const ts = (await import('typescript')).default;
    const write = (path: string, text: string) => {
      mkdirSync(dirname(path), { recursive: true });
      // Other jest workers may write the same file at once: rename makes each write whole.
      const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      writeFileSync(temp, text);
      renameSync(temp, path);
    };
    write(join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
    // The entry last: its presence is what says the whole set is written.
    for (const [file, source] of [...sources].reverse()) {
      const { outputText } = ts.transpileModule(source, {
        fileName: file,
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      });
      write(outFile(file), outputText);
    }
  }
  return pathToFileURL(outFile(entryTs));
}
