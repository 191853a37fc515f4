import { startTestApp, TestApp } from '../support/test-app.js';

const N = Number(process.env.PERF_N ?? 100000);
import { jest } from '@jest/globals';
jest.setTimeout(600000);

async function seed(t: TestApp) {
  const now = new Date().toISOString();
  await t.sql(`INSERT INTO groups (name, path, path_lower, allowed_email_domains, verified_domains, created_at, updated_at) VALUES ('g','g','g','[]','[]','${now}','${now}')`);
  const g = 1;
  const B = 2000;
  for (let start = 1; start <= N; start += B) {
    const u: string[] = [], m: string[] = [], s: string[] = [], a: string[] = [], o: string[] = [];
    for (let i = start; i < start + B && i <= N; i++) {
      const uid = i + 1; // root is 1
      u.push(`('u${i}','u${i}','U ${i}','u${i}@acme.com','u${i}@acme.com','active',false,NULL,'${now}','${now}')`);
      if (i % 100 !== 7) m.push(`(${g},${uid},10,'${now}','${now}')`);
      const ext = `ext-${i}`;
      s.push(`(${g},${uid},'${ext}','${ext}',${i % 100 === 3 ? 'false' : 'true'},'u${i}@acme.com',NULL,NULL,NULL,NULL,'{}',1,'${now}','${now}')`);
      if (i % 100 !== 5) a.push(`(${g},${uid},'${i % 100 === 1 ? 'other-' + i : ext}','${now}','${now}')`);
      if (i % 10 === 0) o.push(`(${g},'${i % 100 === 50 ? 'nid-' + i : ext}',NULL,${uid},'signed_in','${now}')`);
    }
    await t.sql(`INSERT INTO users (username, username_lower, name, email, email_lower, state, is_admin, enterprise_group_id, created_at, updated_at) VALUES ${u.join(',')}`);
    if (m.length) await t.sql(`INSERT INTO members (group_id, user_id, access_level, created_at, updated_at) VALUES ${m.join(',')}`);
    await t.sql(`INSERT INTO scim_identities (group_id, user_id, extern_uid, extern_uid_lower, active, user_name_lower, display_name_lower, name_formatted_lower, given_name_lower, family_name_lower, attributes, version, created_at, updated_at) VALUES ${s.join(',')}`);
    if (a.length) await t.sql(`INSERT INTO saml_identities (group_id, user_id, extern_uid, created_at, updated_at) VALUES ${a.join(',')}`);
    if (o.length) await t.sql(`INSERT INTO saml_sign_ins (group_id, name_id, email, user_id, outcome, created_at) VALUES ${o.join(',')}`);
  }
  await t.sql('ANALYZE'); if (t.database.kind === 'sqlite') { (await import('node:fs')).rmSync('/tmp/scratch/perf.sqlite', { force: true }); await t.sql("VACUUM INTO '/tmp/scratch/perf.sqlite'"); }
}



describe('scratch perf', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); const s = Date.now(); await seed(t); console.log('seeded', Date.now() - s); });
  afterAll(async () => t.close());
  it('times', async () => {
    const { IdentityMismatchReportRepository } = await import('../../src/saml/identity-mismatch-report.repository.js');
    const repo = t.app.get(IdentityMismatchReportRepository);
    const db = (repo as any).db;
    const orig = db.reader.query.bind(db.reader);
    let captured: [string, unknown[]] | undefined;
    db.reader.query = async (q: string, p: unknown[]) => { if (q.includes('WITH p AS')) captured = [q, p]; return orig(q, p); };
    for (let k = 0; k < 3; k++) {
      const s = process.hrtime.bigint();
      const r = await repo.rankedPage(1, true, 0, 1000);
      console.log(t.database.kind, 'ranked ms', Number(process.hrtime.bigint() - s) / 1e6, r.total);
    }
    if (t.database.kind === 'postgres') {
      const plan = await db.reader.query('EXPLAIN ANALYZE ' + captured![0], captured![1]);
      console.log(plan.map((r: any) => r['QUERY PLAN']).join('\n'));
    }
  });
});
