import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setUpGroup, setUpInstance } from '../support/fixtures.js';
import { ERROR_SCHEMA, scimClient } from '../support/scim-protocol-client.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { FuzzRequest, fuzzRequest, Target } from './scim-fuzz-requests.js';

/**
 * quality.md "Bad input": at least 10,000 generated malformed requests (seeded, so every run sends
 * the same ones; FUZZ_SEED and FUZZ_REQUESTS override) against both SCIM scopes. Asserted: no 5xx
 * (except the documented 501 of Bulk and Me), a SCIM error body on every 4xx, every write
 * refused, /health answering throughout, and the data exactly as it was before.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const CONCURRENCY = 12;
const HEALTH_EVERY = 500;
// The tables a refused request must leave untouched (the request log, by design, records everything).
const TABLES = ['users', 'scim_identities', 'scim_identity_emails', 'saml_identities', 'members', 'audit_events', 'groups', 'scim_tokens'];
const UNSUPPORTED = /\/(Bulk|Me)(\/|$|\?)/;
// Details of the refusals made while parsing the body or decoding the URL, before any route (or the
// request log) runs.
const PARSING_REFUSALS =
  /"detail":"(The request body (is not valid JSON|is larger than 1 MiB|is not valid UTF-8|contains a NUL)|Send the request body as|Unsupported request encoding|The request could not be processed|Failed to decode param)/;

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** Keep-alive HTTP with full control over bytes, methods and headers. */
function sender(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const send = (request: Pick<FuzzRequest, 'method' | 'path' | 'headers' | 'body'>) =>
    new Promise<Answer>((resolve, reject) => {
      let answered = false;
      const headers: Record<string, string | number> = { ...request.headers };
      if (request.body !== undefined) headers['Content-Length'] = request.body.length;
      const req = http.request({ host: '127.0.0.1', port, agent, method: request.method, path: request.path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          answered = true;
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      });
      // The server may answer (413, 415) before it has read a large body; the answer is what counts.
      req.on('error', (error) => (answered ? undefined : reject(error)));
      if (request.body !== undefined) req.write(request.body);
      req.end();
    });
  return { send, close: () => agent.destroy() };
}

async function snapshot(t: TestApp): Promise<Record<string, { rows: number; sha256: string }>> {
  const out: Record<string, { rows: number; sha256: string }> = {};
  for (const table of TABLES) {
    // last_used_at is bookkeeping the valid token's own use updates (at most once a minute), not data.
    const rows = (await t.sql<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY id`)).map(({ last_used_at: _used, ...row }) => row);
    out[table] = { rows: rows.length, sha256: createHash('sha256').update(JSON.stringify(rows)).digest('hex') };
  }
  return out;
}

/** Why an answer breaks the contract, or undefined when it keeps it. */
function violation(request: FuzzRequest, answer: Answer): string | undefined {
  if (answer.status >= 500 && !(answer.status === 501 && UNSUPPORTED.test(request.path))) return `server error ${answer.status}`;
  if (request.write && answer.status < 400) return `a write was accepted (${answer.status})`;
  if (answer.status >= 400) {
    if (!answer.contentType.startsWith('application/scim+json')) return `error without the SCIM media type (${answer.contentType || 'none'})`;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(answer.body) as Record<string, unknown>;
    } catch {
      return 'error body is not JSON';
    }
    const schemas = body.schemas as unknown[];
    if (!Array.isArray(schemas) || schemas.length !== 1 || schemas[0] !== ERROR_SCHEMA) return 'error body without the Error schema';
    if (body.status !== String(answer.status)) return `error body status ${JSON.stringify(body.status)} is not the string "${answer.status}"`;
    if (typeof body.detail !== 'string' || body.detail === '') return 'error body without a detail';
    if (body.detail.length > 2000) return 'error detail echoes a huge input';
  }
  return undefined;
}

describe('SCIM fuzz: malformed requests', () => {
  let t: TestApp;
  let targets: Target[];

  beforeAll(async () => {
    t = await startTestApp({ SCIM_RATE_LIMIT: '0' });
    const g = await setUpGroup(t, 'fuzz.group');
    const i = await setUpInstance(t);
    const ids = { group: [] as string[], instance: [] as string[] };
    for (const [scope, base, token] of [
      ['group', g.base, g.scimToken],
      ['instance', i.base, i.scimToken],
    ] as const) {
      const client = scimClient(t, base, token);
      for (let n = 0; n < 4; n++) {
        const id = `${scope}-person.${n}@fuzz.test`;
        await client.create({ userName: id, externalId: id, name: { givenName: 'Fuzz', familyName: `Person ${n}` }, emails: [{ value: `${scope}${n}@fuzz.test`, type: 'work' }], title: 'Target' });
        ids[scope].push(id);
      }
    }
    targets = [
      { base: g.base, token: g.scimToken, ids: ids.group, otherToken: i.scimToken },
      { base: i.base, token: i.scimToken, ids: ids.instance, otherToken: g.scimToken },
    ];
  });
  afterAll(async () => t.close());

  it(`answers ${REQUESTS} malformed requests (seed ${SEED}) without a 5xx, with SCIM errors, changing nothing`, async () => {
    const before = await snapshot(t);
    const { send, close } = sender((t.app.getHttpServer().address() as AddressInfo).port);
    const failures: string[] = [];
    const tally = new Map<string, Map<number, number>>();
    const started = Date.now();
    let next = 0;
    let healthChecks = 0;
    let refusedWhileParsing = 0;

    async function worker(): Promise<void> {
      for (;;) {
        const index = next++;
        if (index >= REQUESTS) return;
        const request = fuzzRequest(SEED, index, targets);
        let answer: Answer;
        try {
          answer = await send(request);
        } catch (error) {
          failures.push(`#${index} ${request.category}: ${request.method} ${request.path.slice(0, 120)} → ${(error as Error).message}`);
          continue;
        }
        const byStatus = tally.get(request.category) ?? new Map<number, number>();
        byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
        tally.set(request.category, byStatus);
        if (PARSING_REFUSALS.test(answer.body)) refusedWhileParsing++;
        const problem = violation(request, answer);
        if (problem && failures.length < 50) {
          failures.push(`#${index} ${request.category}: ${request.method} ${request.path.slice(0, 120)} → ${problem}: ${answer.body.slice(0, 200)}`);
        }
        if (index % HEALTH_EVERY === 0) {
          const health = await send({ method: 'GET', path: '/health', headers: {} });
          healthChecks++;
          if (health.status !== 200) failures.push(`#${index}: /health answered ${health.status}`);
        }
      }
    }

    try {
      await Promise.all(Array.from({ length: CONCURRENCY }, () => worker()));
      const health = await send({ method: 'GET', path: '/health', headers: {} });
      expect(health.status).toBe(200);
      // Still serving real work: every seeded person is there and readable.
      for (const target of targets) {
        const list = await send({ method: 'GET', path: `${target.base}/Users?count=0`, headers: { Authorization: `Bearer ${target.token}` } });
        expect(JSON.parse(list.body).totalResults).toBe(target.ids.length);
      }
    } finally {
      close();
    }

    const seconds = (Date.now() - started) / 1000;
    const summary = [...tally.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([category, statuses]) =>
          `${category.padEnd(28)} ${[...statuses.entries()]
            .sort(([a], [b]) => a - b)
            .map(([s, n]) => `${s}×${n}`)
            .join(' ')}`,
      );
    console.log(`fuzz: ${REQUESTS} requests, seed ${SEED}, ${seconds.toFixed(1)} s, ${healthChecks + 1} health checks\n${summary.join('\n')}`);

    expect(failures).toEqual([]);
    // Every request that got past body parsing is in the request log: one unstorable value (NUL in a
    // decoded id) must not cost the batch it is written in. Bodies refused while parsing never reach it.
    await t.flushLogs();
    const logged = await t.sql<{ n: number | string }>('SELECT COUNT(*) AS n FROM scim_requests');
    expect(Number(logged[0].n)).toBeGreaterThanOrEqual(REQUESTS - refusedWhileParsing);
    const sent = [...tally.values()].reduce((sum, statuses) => sum + [...statuses.values()].reduce((a, b) => a + b, 0), 0);
    expect(sent).toBe(REQUESTS);
    expect(await snapshot(t)).toEqual(before);
  }, 300_000);
});
