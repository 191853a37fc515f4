import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { auditSince, lastAuditId, provision, Provisioned, signInWithSaml, spFor } from '../support/saml-fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { newSamlId, samlResponseXml } from '../support/test-idp.js';

const HOSTILE = 20;
/** Waves of HOSTILE parallel posts, one after the other, so the attack lasts long enough to sample. */
const WAVES = 5;
const PAD_BYTES = 200 * 1024;
const PROBE_EVERY_MS = 10;
/**
 * Run alone, /health stays within 50–100 ms here (the figures are printed). In the whole suite the
 * other jest workers share the machine's two cores, and full runs measured 150, 190 and 222 ms, so
 * the assertion allows 1 s: a timing test that fails on a busy machine would block every change,
 * while one hostile response cost seconds before the caps (24 s for 214 KiB), so 20 of them in
 * parallel would still fail it many times over.
 */
const LATENCY_BUDGET_MS = 1000;

/**
 * The attacker: another process, as in reality, so building and sending the bodies costs this
 * process (the server's) nothing. Posts every body of each wave at once; prints the statuses.
 */
const ATTACKER = `
const { bodies, url, waves } = JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8'));
(async () => {
  const statuses = [];
  for (let w = 0; w < waves; w++) {
    const wave = await Promise.all(bodies.map((body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }).then(async (r) => (await r.text(), r.status))));
    statuses.push(...wave);
  }
  process.stdout.write(JSON.stringify(statuses));
})();
`;

/** Runs the attacker at the lowest priority: in reality it is another machine, not a rival for this CPU. */
function runAttacker(attackFile: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', ATTACKER, attackFile], { maxBuffer: 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as number[])));
    if (child.pid !== undefined) setPriority(child.pid, 19);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The cost attack of issue 14: responses padded with tens of thousands of empty elements outside
 * the signed part, signed with a key Roster does not trust, posted unauthenticated and all at once.
 * Before the caps each took seconds of event-loop time; `/health` must now stay responsive.
 */
describe('SAML responses at bounded cost', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let g: GroupSetup;
  let person: Provisioned;

  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'dos');
    person = await provision(t, g);
  });
  afterAll(async () => t.close());

  /** A signed response with ~200 KiB of `<x/>` put in an Extensions element after signing, as an attacker would. */
  function hostileResponse(): string {
    const signed = samlResponseXml(spFor(t, g), { nameId: person.externalId, key: 'other', assertionId: newSamlId() });
    const padding = `<samlp:Extensions>${'<x/>'.repeat(PAD_BYTES / 4)}</samlp:Extensions>`;
    return Buffer.from(signed.replace('<samlp:Status>', `${padding}<samlp:Status>`), 'utf8').toString('base64');
  }

  it('refuses waves of 20 parallel 200 KiB padded responses with 413 while /health keeps answering (printed p99 and max; at most 1 s in a shared run), and a valid sign-in still works', async () => {
    const hostile = Array.from({ length: HOSTILE }, hostileResponse);
    expect(Buffer.from(hostile[0], 'base64').length).toBeGreaterThan(PAD_BYTES);
    const dir = mkdtempSync(join(tmpdir(), 'roster-dos-'));
    const attack = join(dir, 'attack.json');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const bodies = hostile.map((SAMLResponse) => new URLSearchParams({ SAMLResponse }).toString());
    writeFileSync(attack, JSON.stringify({ bodies, url: `http://127.0.0.1:${port}${spFor(t, g).acsPath}`, waves: WAVES }));
    const auditId = await lastAuditId(t);
    // Warm: the first request of a path compiles and caches what later ones reuse.
    await t.http().get('/health').expect(200);

    const latencies: number[] = [];
    let attacking = true;
    const probe = (async () => {
      while (attacking) {
        const started = performance.now();
        await t.http().get('/health').expect(200);
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
      }
    })();
    let statuses: number[];
    try {
      statuses = await runAttacker(attack);
    } finally {
      attacking = false;
      await probe;
      rmSync(dir, { recursive: true, force: true });
    }

    const sorted = [...latencies].sort((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    const max = sorted[sorted.length - 1];
    console.log(`/health during ${WAVES} waves of ${HOSTILE} parallel hostile responses: ${sorted.length} probes, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
    expect(sorted.length).toBeGreaterThanOrEqual(10);
    expect(p99).toBeLessThanOrEqual(LATENCY_BUDGET_MS);
    expect(max).toBeLessThanOrEqual(LATENCY_BUDGET_MS);

    expect(statuses).toEqual(Array(HOSTILE * WAVES).fill(413));
    const refusals = (await auditSince(t, auditId)).map((e) => [e.event_name, e.details.reason]);
    expect(refusals).toEqual(Array(HOSTILE * WAVES).fill(['saml_sign_in_refused', 'too_large']));

    await signInWithSaml(t, g, { nameId: person.externalId }).expect(303);
  });

  it('refuses a padded response with a page saying why, and sets no session', async () => {
    const res = await signInWithSaml(t, g, { nameId: '', rawSamlResponse: hostileResponse() });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('far larger than any real sign-in response');
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});
