import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { TransactionObserver } from '../database/transaction-observer.js';

/** Provisioning outcomes, one per row of the POST decision table (scim-api.md). */
export type ProvisioningOutcome = 'created' | 'linked' | 'reactivated' | 'taken_409' | 'domain_not_allowed_412' | 'not_linked_412';

export type SamlSignInOutcome = 'signed_in' | 'link_offered' | 'linked' | 'refused';

/** A gauge value computed when Prometheus scrapes, with its labels. */
export interface GaugeSample {
  labels: Record<string, string>;
  value: number;
}

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Buckets from a cached read (~1 ms) to a deep report (seconds). */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Roster's Prometheus metrics (prom-client), one registry per application instance so several
 * Roster apps in one process (the tests) never share counters. Every label takes values from a
 * bounded set: route patterns, enum outcomes, status codes — never user ids, externalIds or URLs.
 * Modules that own a number (the request-log backlog, mismatch counts) register a gauge whose
 * value is read at scrape time.
 */
@Injectable()
export class Metrics implements TransactionObserver {
  readonly registry = new Registry();

  private readonly scimRequests = new Counter({
    name: 'roster_scim_requests_total',
    help: 'SCIM requests answered, by scope kind (group, instance, none when refused before the scope was known), method, resource and status',
    labelNames: ['scope_kind', 'method', 'resource', 'status'] as const,
    registers: [this.registry],
  });

  private readonly provisioning = new Counter({
    name: 'roster_scim_provisioning_total',
    help: 'SCIM POST /Users outcomes by row of the provisioning decision table',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly samlSignIns = new Counter({
    name: 'roster_saml_sign_ins_total',
    help: 'SAML sign-ins (ACS responses and link confirmations) by outcome (signed_in, link_offered, linked, refused) and refusal reason (empty unless refused)',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: 'roster_http_request_duration_seconds',
    help: 'Time from receiving a request to finishing its response, by API surface, method, route pattern and status class',
    labelNames: ['surface', 'method', 'route', 'status_class'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly transactionDuration = new Histogram({
    name: 'roster_db_transaction_duration_seconds',
    help: 'Database write transactions, from BEGIN (after waiting for the SQLite writer) to COMMIT or ROLLBACK',
    labelNames: ['outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly transactionRetries = new Counter({
    name: 'roster_db_transaction_retries_total',
    help: 'PostgreSQL transactions run again after losing a deadlock or a serialization check',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'roster_' });
  }

  scimRequest(scopeKind: 'group' | 'instance' | 'none', method: string, resource: string, status: number): void {
    this.scimRequests.inc({ scope_kind: scopeKind, method: methodLabel(method), resource, status: String(status) });
  }

  provisioned(outcome: ProvisioningOutcome): void {
    this.provisioning.inc({ outcome });
  }

  samlSignIn(outcome: SamlSignInOutcome, reason = ''): void {
    this.samlSignIns.inc({ outcome, reason });
  }

  httpRequest(surface: string, method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ surface, method: methodLabel(method), route, status_class: `${Math.trunc(status / 100)}xx` }, seconds);
  }

  transactionEnded(seconds: number, committed: boolean): void {
    this.transactionDuration.observe({ outcome: committed ? 'commit' : 'rollback' }, seconds);
  }

  transactionRetried(): void {
    this.transactionRetries.inc();
  }

  /** A gauge whose samples `read` computes at each scrape (a failed read leaves the gauge empty). */
  gauge(name: string, help: string, labelNames: string[], read: () => Promise<GaugeSample[]> | GaugeSample[]): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        let samples: GaugeSample[] = [];
        try {
          samples = await read();
        } catch {
          // The scrape still answers: this gauge is absent until its source can be read again.
        }
        for (const sample of samples) this.set(sample.labels, sample.value);
      },
    });
  }

  /** The Prometheus text exposition of every metric. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

function methodLabel(method: string): string {
  return HTTP_METHODS.has(method) ? method : 'other';
}
