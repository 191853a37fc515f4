import { setUpGroup } from '../support/fixtures.js';
import { explain } from '../support/sql-capture.js';
import { seedIdentities } from '../support/seed-identities.js';
import { startTestApp, TestApp } from '../support/test-app.js';

describe('probe', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(async () => t.close());

  it('plans', async () => {
    const g = await setUpGroup(t, 'acme');
    const g2 = await setUpGroup(t, 'other');
    await seedIdentities(t, g.id, 3000, 'a');
    await seedIdentities(t, g2.id, 300, 'b');
    if (t.database.kind === 'postgres') await t.sql('ANALYZE');
    const pg = t.database.kind === 'postgres';
    const P = (n: number) => (pg ? `$${n}` : '?');
    const sub = `(SELECT uu.id FROM users uu WHERE uu.username_lower = ${P(2)} OR uu.email_lower = ${P(3)})`;
    const variants: Record<string, string> = {
      A: `("i"."user_name_lower" = ${P(1)} OR ("i"."user_id" IS NOT NULL AND "i"."user_id" IN ${sub}))`,
      B: `"i"."id" IN (SELECT s.id FROM scim_identities s WHERE s.user_name_lower = ${P(1)} UNION ALL SELECT s.id FROM scim_identities s WHERE s.user_id IN ${sub})`,
      C: `("i"."user_name_lower" = ${P(1)} OR "i"."user_id" IN ${sub})`,
      D: `("i"."id" IN (SELECT s.id FROM scim_identities s WHERE s.user_name_lower = ${P(1)}) OR "i"."user_id" IN ${sub})`,
      E: `"i"."id" IN (SELECT e.identity_id FROM scim_identity_emails e WHERE e.value_lower = ${P(1)} AND e.type_lower = ${P(2)} AND e.value_lower <> ${P(3)} || 'x')`,
      F: `EXISTS (SELECT 1 FROM scim_identity_emails e WHERE e.identity_id = "i"."id" AND e.value_lower = ${P(1)} AND e.type_lower = ${P(2)} AND e.value_lower <> ${P(3)} || 'x')`,
    };
    for (const [k, v] of Object.entries(variants).filter(([k]) => 'EF'.includes(k))) {
      for (const sel of ['COUNT(1)', '"i".*']) {
        const sql = `SELECT ${sel} FROM "scim_identities" "i" WHERE "i"."group_id" = ${g.id} AND (${v}) ORDER BY "i"."id" LIMIT 100`;
        console.log(k, sel, '\n' + (await explain(t, { sql: sel === 'COUNT(1)' ? sql.replace(/ ORDER BY.*$/, '') : sql, params: ['a7@seed.test', 'a7@seed.test', 'a7@seed.test'] })).join('\n'));
      }
    }
  });
});
