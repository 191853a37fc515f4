import { oktaUser } from '../support/fixtures.js';
import { Roster, raceGroup, raceInOneAndTwoProcesses, raceProvision } from '../support/race-rosters.js';

const ADMIN = 'roster_pat_group-delete-race-0123456789abcdef';
const ROUNDS = 15;
const REQUESTS = 8;

/**
 * A group is deleted while its IdP is still provisioning people into it, through another Roster.
 * Requests that arrive after the deletion find no token (401) or no group (404); none may fail
 * with a server error, and nothing of the group is left behind.
 */
async function raceRounds(first: Roster, second: Roster): Promise<void> {
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const seen: Record<number, number> = {};
  for (let round = 1; round <= ROUNDS; round++) {
    const path = `delete-race-${round}-${Date.now().toString(36)}`;
    const group = await raceGroup(first, ADMIN, path);
    const { id: groupId, scim } = group;
    const existing = (await raceProvision(first, group)).id;
    const [scimSide, adminSide] = round % 2 === 0 ? [first, second] : [second, first];
    const answers = await Promise.all([
      adminSide.http().delete(`/api/v4/groups/${groupId}`).set(admin),
      ...Array.from({ length: REQUESTS }, (_, n) =>
        n % 2 === 0
          ? scimSide.http().post(`/api/scim/v2/groups/${path}/Users`).set(scim).send(oktaUser())
          : scimSide
              .http()
              .patch(`/api/scim/v2/groups/${path}/Users/${existing}`)
              .set(scim)
              .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: n % 4 === 1 ? false : true }] }),
      ),
    ]);
    expect([202, 204]).toContain(answers[0].status);
    for (const a of answers.slice(1)) seen[a.status] = (seen[a.status] ?? 0) + 1;
    for (const table of ['members', 'scim_identities', 'scim_tokens', 'saml_providers']) {
      expect({ round, table, rows: await first.sql(`SELECT 1 FROM ${table} WHERE group_id = ?`, [groupId]) }).toEqual({ round, table, rows: [] });
    }
  }
  // Every answer is one a client can act on: done before the deletion, or the token/group is gone.
  expect(Object.keys(seen).filter((s) => !['200', '201', '204', '401', '404'].includes(s))).toEqual([]);
}

raceInOneAndTwoProcesses(
  'a group deleted while its IdP provisions into it',
  `no request fails with a server error and no deadlock is retried, in each of ${ROUNDS} rounds`,
  { ADMIN_TOKEN: ADMIN },
  raceRounds,
);
