import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { projectRoot } from '../../src/project-root.js';
import { oktaUser, SCIM_JSON } from '../support/fixtures.js';
import { ensureBuilt, freePort, ServerProcess, setUpGroupOverHttp, startServer } from '../support/server-process.js';
import { createTestDatabase, TestDatabase } from '../support/test-database.js';

const PROMETHEUS = '/usr/bin/prometheus';
const ADMIN = 'roster_pat_prometheus-admin-0123456789abcdef';
const METRICS_TOKEN = 'prometheus-scrape-token-0123456789';

/**
 * A real Prometheus (Debian's package; .ci/run installs it) scrapes a Roster process with the
 * metrics token, loads docs/alerts.yml, and is then asked over its HTTP API for what Roster counted.
 */
const suite = existsSync(PROMETHEUS) ? describe : describe.skip;
if (!existsSync(PROMETHEUS)) console.log(`prometheus scrape: skipped — ${PROMETHEUS} is missing (apt-get install prometheus; .ci/run does)`);

interface QueryResult {
  metric: Record<string, string>;
  value: [number, string];
}

suite('a real Prometheus scraping Roster', () => {
  jest.setTimeout(120_000);
  let database: TestDatabase;
  let server: ServerProcess;
  let prometheus: ChildProcess;
  let prometheusUrl: string;
  let dir: string;
  let prometheusLog = '';

  beforeAll(async () => {
    ensureBuilt();
    database = await createTestDatabase();
    server = await startServer({ DATABASE_URL: database.url, ADMIN_TOKEN: ADMIN, METRICS_TOKEN });
    dir = mkdtempSync(join(tmpdir(), 'roster-prometheus-'));
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: ['${join(projectRoot(), 'docs/alerts.yml')}']`,
        'scrape_configs:',
        '  - job_name: roster',
        '    metrics_path: /metrics',
        `    authorization: { credentials: '${METRICS_TOKEN}' }`,
        `    static_configs: [{ targets: ['127.0.0.1:${server.port}'] }]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prometheus.stdout?.on('data', (d: Buffer) => (prometheusLog += d.toString()));
    prometheus.stderr?.on('data', (d: Buffer) => (prometheusLog += d.toString()));
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${prometheusUrl}/-/ready`)).status === 200) break;
      } catch {
        /* not listening yet */
      }
      if (i > 300 || prometheus.exitCode !== null) throw new Error(`prometheus did not start:\n${prometheusLog}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  afterAll(async () => {
    prometheus?.kill('SIGKILL');
    await server?.kill();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function query(expression: string): Promise<QueryResult[]> {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expression)}`);
    const body = (await response.json()) as { status: string; data: { result: QueryResult[] } };
    expect(body.status).toBe('success');
    return body.data.result;
  }

  /** Asks until Prometheus has scraped what was asked for (scrapes run every second). */
  async function eventually(expression: string, accept: (result: QueryResult[]) => boolean): Promise<QueryResult[]> {
    let result: QueryResult[] = [];
    for (let i = 0; i < 150; i++) {
      result = await query(expression);
      if (accept(result)) return result;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${expression} never matched; last answer ${JSON.stringify(result)}\nprometheus log:\n${prometheusLog}`);
  }

  it('scrapes roster_scim_requests_total and the SAML refusal counter after a few requests', async () => {
    const group = await setUpGroupOverHttp(server, ADMIN, 'prom-acme');
    const post = (body: unknown) =>
      fetch(`${group.scimBase}/Users`, { method: 'POST', headers: { Authorization: `Bearer ${group.scimToken}`, 'Content-Type': SCIM_JSON }, body: JSON.stringify(body) });
    const person = oktaUser();
    expect((await post(person)).status).toBe(201);
    expect((await post(person)).status).toBe(409);
    expect((await post(oktaUser())).status).toBe(201);
    const refused = await fetch(`${server.url}/groups/prom-acme/-/saml/callback`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'RelayState=x' });
    expect(refused.status).toBe(400);

    const created = await eventually('roster_scim_requests_total{scope_kind="group",method="POST",resource="Users",status="201"}', (r) => r.length === 1 && r[0].value[1] === '2');
    expect(created[0].metric).toEqual(expect.objectContaining({ job: 'roster', instance: `127.0.0.1:${server.port}` }));
    await eventually('roster_scim_requests_total{scope_kind="group",status="409"}', (r) => r.length === 1 && r[0].value[1] === '1');
    const refusal = await eventually('roster_saml_sign_ins_total{outcome="refused"}', (r) => r.length === 1 && r[0].value[1] === '1');
    expect(refusal[0].metric.reason).toBe('missing_response');
    await eventually('roster_scim_provisioning_total{outcome="created"}', (r) => r.length === 1 && r[0].value[1] === '2');

    // The scrape itself is healthy, and the alert rules loaded and evaluate without errors.
    expect((await query('up{job="roster"}')).map((r) => r.value[1])).toEqual(['1']);
    const rules = (await (await fetch(`${prometheusUrl}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; health: string }[] }[] } };
    const loaded = rules.data.groups.flatMap((g) => g.rules);
    expect(loaded.length).toBeGreaterThanOrEqual(4);
    for (let i = 0; i < 50 && loaded.some((r) => r.health === 'unknown'); i++) await new Promise((resolve) => setTimeout(resolve, 200));
    const again = (await (await fetch(`${prometheusUrl}/api/v1/rules`)).json()) as typeof rules;
    for (const rule of again.data.groups.flatMap((g) => g.rules)) expect([rule.name, rule.health]).toEqual([rule.name, 'ok']);
  });
});
